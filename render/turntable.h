#pragma once
// Turntables: N cameras evenly spaced around the head, frame file names, and encoding the frames
// into an MP4 (H.264) or GIF with Debian's ffmpeg when it is installed.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "render/camera.h"

namespace likeness::render {

/// `frames` cameras orbiting from `start`: yaw start.yaw + i * sweep / frames (a full turn does
/// not repeat the first frame). InputError unless frames >= 1 and the sweep is finite.
std::vector<Camera> turntable_cameras(const Camera& start, int frames, float sweep_degrees = 360.0f);

/// "frame_0007.png": the file name of frame `index` (zero-based).
std::string turntable_frame_name(int index);

/// ffmpeg on $PATH, if installed.
std::optional<std::filesystem::path> find_ffmpeg();

/// Encodes frame_0000.png ... in `frame_dir` into `output` at `fps`: ".mp4" gives H.264 (yuv420p,
/// even dimensions padded), ".gif" a palette GIF that loops. Written to a temporary name first and
/// renamed, so `output` is never half-written. InputError for another extension; Error with
/// ffmpeg's last output lines if it fails.
void encode_turntable(const std::filesystem::path& ffmpeg, const std::filesystem::path& frame_dir, int fps,
                      const std::filesystem::path& output);

}  // namespace likeness::render
