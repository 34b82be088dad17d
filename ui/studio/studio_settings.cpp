#include "ui/studio/studio_settings.h"

#include <QFileInfo>
#include <QSettings>

#include <algorithm>

namespace likeness::studio {
namespace {

int read_int(QSettings& s, const char* key, int fallback, int lo, int hi) {
  bool ok = false;
  const int v = s.value(key, fallback).toInt(&ok);
  return ok ? std::clamp(v, lo, hi) : fallback;
}

}  // namespace

StudioSettings StudioSettings::load(QSettings& s) {
  StudioSettings o;
  o.texture_resolution = read_int(s, "textures/resolution", o.texture_resolution, 512, 4096);
  o.preview_resolution = read_int(s, "textures/previewResolution", o.preview_resolution, 256, 2048);
  o.generation_steps = read_int(s, "optimization/generationSteps", o.generation_steps, 0, 5000);
  o.edit_steps = read_int(s, "optimization/editSteps", o.edit_steps, 0, 5000);
  o.snapshot_every = read_int(s, "optimization/snapshotEvery", o.snapshot_every, 1, 100);
  o.threads = read_int(s, "optimization/threads", o.threads, 0, 256);
  o.msaa_samples = read_int(s, "renderer/msaaSamples", o.msaa_samples, 1, 8);
  o.shadows = s.value("renderer/shadows", o.shadows).toBool();
  o.exposure = std::clamp(s.value("renderer/exposure", o.exposure).toDouble(), 0.1, 8.0);
  o.lighting = read_int(s, "renderer/lighting", o.lighting, 0, 3);
  o.assets_path = s.value("paths/assets", o.assets_path).toString();
  o.weights_path = s.value("paths/weights", o.weights_path).toString();
  o.language = s.value("ui/language", o.language).toString();
  o.autosave_seconds = read_int(s, "files/autosaveSeconds", o.autosave_seconds, 0, 3600);
  o.recent_files = s.value("files/recent").toStringList();
  while (o.recent_files.size() > kMaxRecent) o.recent_files.removeLast();
  return o;
}

void StudioSettings::save(QSettings& s) const {
  s.setValue("textures/resolution", texture_resolution);
  s.setValue("textures/previewResolution", preview_resolution);
  s.setValue("optimization/generationSteps", generation_steps);
  s.setValue("optimization/editSteps", edit_steps);
  s.setValue("optimization/snapshotEvery", snapshot_every);
  s.setValue("optimization/threads", threads);
  s.setValue("renderer/msaaSamples", msaa_samples);
  s.setValue("renderer/shadows", shadows);
  s.setValue("renderer/exposure", exposure);
  s.setValue("renderer/lighting", lighting);
  s.setValue("paths/assets", assets_path);
  s.setValue("paths/weights", weights_path);
  s.setValue("ui/language", language);
  s.setValue("files/autosaveSeconds", autosave_seconds);
  s.setValue("files/recent", recent_files);
  s.sync();
}

void StudioSettings::add_recent(const QString& path) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  recent_files.removeAll(absolute);
  recent_files.prepend(absolute);
  while (recent_files.size() > kMaxRecent) recent_files.removeLast();
}

}  // namespace likeness::studio
