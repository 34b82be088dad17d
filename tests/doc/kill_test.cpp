// A kill during save never leaves a broken project: a worker process saves in a loop and is killed
// with SIGKILL, at random moments in even rounds and, in odd rounds, while its temporary file is
// being written (caught by stopping the worker with SIGSTOP once the temporary appears, so the kill
// is certain to land mid-save however fast the write is); the project must then open and hold
// exactly the steps of some completed save.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "engine/doc/document.h"
#include "tests/doc/doc_fixtures.h"

extern char** environ;

using namespace likeness;
using namespace likeness::doc;
namespace fs = std::filesystem;

namespace {
int count_temporaries(const fs::path& project) {
  int n = 0;
  std::string prefix = ".";
  prefix += project.filename().string();
  prefix += ".tmp-";
  for (const auto& e : fs::directory_iterator(project.parent_path()))
    if (e.path().filename().string().rfind(prefix, 0) == 0) ++n;
  return n;
}

/// Polls for the worker's temporary and freezes the worker while it exists. Returns true when the
/// worker is stopped with its temporary on disk, false when `deadline` passed first (the worker is
/// then left running).
bool stop_inside_a_save(pid_t pid, const fs::path& project, std::chrono::steady_clock::time_point deadline) {
  while (std::chrono::steady_clock::now() < deadline) {
    if (count_temporaries(project) == 0) continue;
    ::kill(pid, SIGSTOP);
    int status = 0;
    ::waitpid(pid, &status, WUNTRACED);
    if (count_temporaries(project) > 0) return true;
    ::kill(pid, SIGCONT);  // the write finished between the poll and the stop: try the next save
  }
  return false;
}
}  // namespace

TEST(KillDuringSave, NeverLeavesABrokenProject) {
  const fs::path dir = fs::temp_directory_path() / "likeness_kill_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path project = dir / "victim.likeness";
  std::mt19937 rng(1234);
  std::uniform_int_distribution<int> delay_ms(30, 1500);
  int saw_mid_save_kill = 0;
  for (int round = 0; round < 12; ++round) {
    fs::remove(project);
    Document::create(test::step_state(0, 256)).save_as(project);
    const std::string path = project.string();
    char* argv[] = {const_cast<char*>(DOC_SAVE_WORKER), const_cast<char*>(path.c_str()), nullptr};
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, DOC_SAVE_WORKER, nullptr, nullptr, argv, environ), 0);
    if (round % 2 == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    } else {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      EXPECT_TRUE(stop_inside_a_save(pid, project, deadline)) << "round " << round << ": the worker never wrote a temporary";
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the worker ended by itself (exit " << WEXITSTATUS(status) << ")";
    if (count_temporaries(project) > 0) ++saw_mid_save_kill;

    // Whatever moment the kill came, the project is a complete earlier save.
    Document doc = Document::open(project);
    const int steps = doc.step_count();
    ASSERT_GE(steps, 1);
    EXPECT_EQ(doc.current_step(), steps - 1);
    for (int i = 1; i < steps; ++i) EXPECT_TRUE(state::equal(doc.state_at(i), test::step_state(i, 256))) << "round " << round << " step " << i;
    // The next save sweeps away the temporary the killed writer left.
    doc.save();
    EXPECT_EQ(count_temporaries(project), 0);
  }
  EXPECT_GE(saw_mid_save_kill, 6) << "every odd round must kill the worker inside a save";
  std::printf("kills inside a save: %d of 12\n", saw_mid_save_kill);
}
