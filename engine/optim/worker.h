#pragma once
// A background worker for long optimizations: one job at a time on its own thread, which can be
// paused, resumed and cancelled (the job notices at its next checkpoint, so cancellation takes
// effect within one optimization step), publishes progress events, and hands the latest snapshot
// to readers without ever exposing a half-written one.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace likeness::optim {

enum class WorkerState { Idle, Running, Paused, Finished, Cancelled, Failed };

const char* to_string(WorkerState state);

/// What the running job sees: checkpoints (where pause and cancel take effect) and a way to
/// publish progress.
class JobControl {
public:
  virtual ~JobControl() = default;
  /// Blocks while paused; throws CancelledError once cancel() was called.
  virtual void checkpoint() = 0;
  /// True once cancel() was called (for jobs that want to stop gracefully themselves).
  virtual bool cancel_requested() const = 0;
};

/// Runs jobs of type `void(JobControl&)` on a background thread.
class Worker {
public:
  using Job = std::function<void(JobControl&)>;
  using DoneCallback = std::function<void(WorkerState, const std::string& error)>;

  Worker();
  ~Worker();  ///< cancels and joins
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// Starts `job`; a running job is cancelled and joined first. `done` runs on the worker thread
  /// when the job ends (finished, cancelled or failed with the exception's message).
  void start(Job job, DoneCallback done = {});
  void pause();
  void resume();
  /// Asks the job to stop and waits until it has (returns at once if idle).
  void cancel();
  /// Waits until the current job ends.
  void wait();

  WorkerState state() const;
  bool busy() const;
  std::string error() const;

private:
  class Control;
  void run(Job job, DoneCallback done);

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::thread thread_;
  WorkerState state_ = WorkerState::Idle;
  bool pause_requested_ = false;
  std::atomic<bool> cancel_requested_{false};
  std::string error_;
};

/// The latest value published by a producer thread, read by others: publish() swaps in a complete
/// new value; latest() returns a shared pointer to a complete one (never torn).
template <typename T>
class Latest {
public:
  void publish(T value) {
    auto next = std::make_shared<const T>(std::move(value));
    std::lock_guard<std::mutex> lock(mutex_);
    value_ = std::move(next);
    ++version_;
  }
  std::shared_ptr<const T> latest() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return value_;
  }
  /// Increments with every publish, so readers can tell whether anything is new.
  std::uint64_t version() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return version_;
  }
  void reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    value_.reset();
  }

private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> value_;
  std::uint64_t version_ = 0;
};

}  // namespace likeness::optim
