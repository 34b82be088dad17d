#pragma once
// For GUI tests: pumps Qt events until a condition holds or a timeout passes.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>

#include <functional>

namespace likeness::test {

inline bool wait_for(const std::function<bool()>& done, int timeout_ms = 20000) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > timeout_ms) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(2);
  }
  return true;
}

}  // namespace likeness::test
