#include "render/turntable.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/strings.h"

extern char** environ;

namespace likeness::render {

namespace fs = std::filesystem;

std::vector<Camera> turntable_cameras(const Camera& start, int frames, float sweep_degrees) {
  if (frames < 1) throw InputError("turntable: --frames must be at least 1 (got " + std::to_string(frames) + ")");
  if (!std::isfinite(sweep_degrees)) throw InputError("turntable: the sweep angle must be a finite number of degrees");
  std::vector<Camera> cameras;
  cameras.reserve(static_cast<std::size_t>(frames));
  for (int i = 0; i < frames; ++i) {
    Camera c = start;
    c.yaw = start.yaw + sweep_degrees * static_cast<float>(i) / static_cast<float>(frames);
    cameras.push_back(c);
  }
  return cameras;
}

std::string turntable_frame_name(int index) {
  char name[32];
  std::snprintf(name, sizeof(name), "frame_%04d.png", index);
  return name;
}

std::optional<fs::path> find_ffmpeg() {
  const char* path = std::getenv("PATH");
  for (const std::string& dir : split(path ? path : "/usr/bin:/bin", ':')) {
    fs::path candidate = fs::path(dir) / "ffmpeg";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

void encode_turntable(const fs::path& ffmpeg, const fs::path& frame_dir, int fps, const fs::path& output) {
  const std::string ext = to_lower_ascii(output.extension().string());
  if (ext != ".mp4" && ext != ".gif")
    throw InputError("video '" + output.string() + "': the extension must be .mp4 or .gif");
  if (fps < 1 || fps > 120) throw InputError("turntable: --fps must be within 1..120");
  const fs::path tmp = output.parent_path() / ("." + output.filename().string() + ".tmp");
  const fs::path log = output.parent_path() / ("." + output.filename().string() + ".log");
  std::vector<std::string> args = {ffmpeg.string(), "-nostdin", "-y", "-loglevel", "error", "-framerate", std::to_string(fps),
                                   "-i", (frame_dir / "frame_%04d.png").string()};
  if (ext == ".mp4") {
    args.insert(args.end(), {"-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18",
                             "-movflags", "+faststart", "-f", "mp4", tmp.string()});
  } else {
    args.insert(args.end(), {"-vf", "split[a][b];[a]palettegen=reserve_transparent=0[p];[b][p]paletteuse", "-loop", "0", "-f",
                             "gif", tmp.string()});
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error(ExitCode::Failure, "could not start " + ffmpeg.string() + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string messages;
  {
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    messages = ss.str();
  }
  std::error_code ec;
  fs::remove(log, ec);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fs::remove(tmp, ec);
    if (messages.size() > 1500) messages = "..." + messages.substr(messages.size() - 1500);
    throw Error(ExitCode::Failure, "ffmpeg failed to write " + output.string() + ": " + messages);
  }
  fs::rename(tmp, output, ec);
  if (ec) throw InputError(at_file(output.string(), "could not move the video into place: " + ec.message()));
}

}  // namespace likeness::render
