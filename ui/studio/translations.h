#pragma once
// The studio's translations: Qt .qm files compiled at build time from translations/*.ts and
// embedded under :/i18n. The language is the preference's ("de", "zh_CN", "en") or, when empty,
// the system's.
#include <QString>

class QCoreApplication;

namespace likeness::studio {

/// Languages with a translation, besides English.
QStringList available_languages();

/// Installs the translator for `language` (empty: the system locale). Returns the language
/// installed ("en" when none matched).
QString install_translators(QCoreApplication& app, const QString& language);

}  // namespace likeness::studio
