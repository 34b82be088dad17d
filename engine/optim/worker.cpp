#include "engine/optim/worker.h"

#include "engine/core/error.h"

namespace likeness::optim {

const char* to_string(WorkerState state) {
  switch (state) {
    case WorkerState::Idle: return "idle";
    case WorkerState::Running: return "running";
    case WorkerState::Paused: return "paused";
    case WorkerState::Finished: return "finished";
    case WorkerState::Cancelled: return "cancelled";
    case WorkerState::Failed: return "failed";
  }
  return "?";
}

class Worker::Control : public JobControl {
public:
  explicit Control(Worker& worker) : worker_(worker) {}
  void checkpoint() override {
    std::unique_lock<std::mutex> lock(worker_.mutex_);
    if (worker_.pause_requested_ && !worker_.cancel_requested_) {
      worker_.state_ = WorkerState::Paused;
      worker_.cv_.notify_all();
      worker_.cv_.wait(lock, [&] { return !worker_.pause_requested_ || worker_.cancel_requested_; });
      worker_.state_ = WorkerState::Running;
      worker_.cv_.notify_all();
    }
    if (worker_.cancel_requested_) throw CancelledError("optimization cancelled");
  }
  bool cancel_requested() const override { return worker_.cancel_requested_; }

private:
  Worker& worker_;
};

Worker::Worker() = default;

Worker::~Worker() { cancel(); }

void Worker::start(Job job, DoneCallback done) {
  cancel();
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable()) thread_.join();
  cancel_requested_ = false;
  pause_requested_ = false;
  error_.clear();
  state_ = WorkerState::Running;
  thread_ = std::thread(&Worker::run, this, std::move(job), std::move(done));
}

void Worker::run(Job job, DoneCallback done) {
  Control control(*this);
  WorkerState end = WorkerState::Finished;
  std::string error;
  try {
    job(control);
    if (cancel_requested_) end = WorkerState::Cancelled;
  } catch (const CancelledError&) {
    end = WorkerState::Cancelled;
  } catch (const std::exception& e) {
    end = WorkerState::Failed;
    error = e.what();
  } catch (...) {
    end = WorkerState::Failed;
    error = "unknown error";
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = end;
    error_ = error;
  }
  if (done) done(end, error);
  cv_.notify_all();
}

void Worker::pause() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ == WorkerState::Running) pause_requested_ = true;
}

void Worker::resume() {
  std::lock_guard<std::mutex> lock(mutex_);
  pause_requested_ = false;
  cv_.notify_all();
}

void Worker::cancel() {
  std::thread to_join;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancel_requested_ = true;
    pause_requested_ = false;
    cv_.notify_all();
    to_join = std::move(thread_);
  }
  if (to_join.joinable()) to_join.join();
}

void Worker::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return state_ != WorkerState::Running && state_ != WorkerState::Paused; });
}

WorkerState Worker::state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

bool Worker::busy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_ == WorkerState::Running || state_ == WorkerState::Paused;
}

std::string Worker::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

}  // namespace likeness::optim
