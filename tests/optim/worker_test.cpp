#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "engine/core/error.h"
#include "engine/optim/worker.h"

using namespace likeness::optim;
using namespace std::chrono_literals;

namespace {
// A job of many short steps that counts how far it got.
Worker::Job counting_job(std::atomic<int>& steps, int total, std::chrono::milliseconds step_time = 2ms) {
  return [&steps, total, step_time](JobControl& control) {
    for (int i = 0; i < total; ++i) {
      control.checkpoint();
      std::this_thread::sleep_for(step_time);
      ++steps;
    }
  };
}
}  // namespace

TEST(Worker, RunsToCompletion) {
  Worker worker;
  std::atomic<int> steps{0};
  std::atomic<int> done_calls{0};
  WorkerState seen = WorkerState::Idle;
  worker.start(counting_job(steps, 20), [&](WorkerState s, const std::string&) {
    seen = s;
    ++done_calls;
  });
  worker.wait();
  EXPECT_EQ(steps, 20);
  EXPECT_EQ(worker.state(), WorkerState::Finished);
  EXPECT_EQ(seen, WorkerState::Finished);
  EXPECT_EQ(done_calls, 1);
}

TEST(Worker, CancelStopsWithinOneStep) {
  Worker worker;
  std::atomic<int> steps{0};
  worker.start(counting_job(steps, 100000, 5ms));
  std::this_thread::sleep_for(50ms);
  auto t0 = std::chrono::steady_clock::now();
  worker.cancel();
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, 100ms);
  EXPECT_EQ(worker.state(), WorkerState::Cancelled);
  int at_cancel = steps;
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(steps, at_cancel) << "no step runs after cancel returns";
}

TEST(Worker, PauseHoldsAndResumeContinues) {
  Worker worker;
  std::atomic<int> steps{0};
  worker.start(counting_job(steps, 200, 1ms));
  std::this_thread::sleep_for(20ms);
  worker.pause();
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(worker.state(), WorkerState::Paused);
  int paused_at = steps;
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(steps, paused_at);
  worker.resume();
  worker.wait();
  EXPECT_EQ(steps, 200);
  // Cancel while paused also works.
  std::atomic<int> more{0};
  worker.start(counting_job(more, 100000, 1ms));
  std::this_thread::sleep_for(10ms);
  worker.pause();
  std::this_thread::sleep_for(10ms);
  worker.cancel();
  EXPECT_EQ(worker.state(), WorkerState::Cancelled);
}

TEST(Worker, FailuresAreReportedAndRestartIsClean) {
  Worker worker;
  std::string error;
  worker.start([](JobControl&) { throw likeness::InputError("bad prompt word 'xyz'"); },
               [&](WorkerState, const std::string& e) { error = e; });
  worker.wait();
  EXPECT_EQ(worker.state(), WorkerState::Failed);
  EXPECT_NE(error.find("xyz"), std::string::npos);
  // Starting again while running cancels the first job.
  std::atomic<int> a{0}, b{0};
  worker.start(counting_job(a, 100000, 1ms));
  std::this_thread::sleep_for(10ms);
  worker.start(counting_job(b, 10, 1ms));
  worker.wait();
  EXPECT_EQ(b, 10);
  EXPECT_EQ(worker.state(), WorkerState::Finished);
}

TEST(Latest, ReadersSeeWholeValues) {
  Latest<std::vector<int>> latest;
  EXPECT_EQ(latest.latest(), nullptr);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) latest.publish(std::vector<int>(100, i));
    done = true;
  });
  while (!done) {
    auto v = latest.latest();
    if (!v) continue;
    for (int x : *v) ASSERT_EQ(x, v->front()) << "torn snapshot";
  }
  writer.join();
  EXPECT_EQ(latest.version(), 2000u);
  EXPECT_EQ(latest.latest()->front(), 1999);
}
