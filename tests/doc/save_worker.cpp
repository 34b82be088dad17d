// A process the kill test murders: it opens a project and keeps committing step k+1 (the state
// test::step_state(k+1)) and saving, until it is killed. Usage: doc_save_worker PROJECT
#include <cstdio>
#include <iostream>

#include "engine/doc/document.h"
#include "tests/doc/doc_fixtures.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: doc_save_worker PROJECT\n";
    return 2;
  }
  try {
    auto doc = likeness::doc::Document::open(argv[1]);
    for (;;) {
      const int k = doc.step_count();
      doc.commit_step(likeness::doc::StepKind::Edit, likeness::test::step_state(k, 256), {{"instruction", "step " + std::to_string(k)}},
                      likeness::test::fake_png(k));
      doc.save();
      std::printf("saved %d\n", k);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
