#pragma once
// The studio's preferences, kept with QSettings (the platform's settings store: ~/.config/Likeness
// on Linux): texture and preview resolutions, step budgets, threads, renderer options, asset and
// weights folders, language, autosave interval and the recent files.
#include <QString>
#include <QStringList>

class QSettings;

namespace likeness::studio {

struct StudioSettings {
  int texture_resolution = 1024;  ///< texture size new faces store (what exports write), 512..4096
  int preview_resolution = 512;   ///< texture size the viewport shows, 256..2048
  int generation_steps = 0;       ///< 0: the default generation schedule (140 steps)
  int edit_steps = 0;             ///< 0: the default edit schedule (60 steps)
  int snapshot_every = 5;         ///< optimization steps between viewport updates
  int threads = 0;                ///< LibTorch threads; 0: every core
  int msaa_samples = 4;           ///< 1, 2, 4 or 8 (takes effect for new windows)
  bool shadows = true;
  double exposure = 1.0;
  int lighting = 0;               ///< render::LightingPreset
  QString assets_path;            ///< extra asset folder, searched first (LIKENESS_ASSETS)
  QString weights_path;           ///< folder of neural weights (CLIP, Stable Diffusion)
  QString language;               ///< "" (the system's), "en", "de" or "zh_CN"
  int autosave_seconds = 60;      ///< 0: no autosave
  QStringList recent_files;       ///< newest first, at most kMaxRecent

  static constexpr int kMaxRecent = 8;

  /// Reads the values, clamping each into its range.
  static StudioSettings load(QSettings& settings);
  void save(QSettings& settings) const;

  /// Puts `path` first in the recent files (removing duplicates, keeping kMaxRecent).
  void add_recent(const QString& path);
};

}  // namespace likeness::studio
