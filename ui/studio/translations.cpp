#include "ui/studio/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace likeness::studio {

QStringList available_languages() { return {QStringLiteral("de"), QStringLiteral("zh_CN")}; }

QString install_translators(QCoreApplication& app, const QString& language) {
  const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
  if (language == QStringLiteral("en")) return QStringLiteral("en");
  auto* own = new QTranslator(&app);
  // likeness_de.qm, likeness_zh_CN.qm under :/i18n (qt_add_translations' default prefix).
  if (!own->load(locale, QStringLiteral("likeness"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
    delete own;
    return QStringLiteral("en");
  }
  app.installTranslator(own);
  // Qt's own strings (standard buttons, file dialogs), where Debian ships them.
  auto* qt = new QTranslator(&app);
  if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
    app.installTranslator(qt);
  else
    delete qt;
  return locale.name();
}

}  // namespace likeness::studio
