#!/usr/bin/env bash
# Refreshes translations/*.ts from the tr() strings in ui/ and app/studio/ (Qt's lupdate, without
# include paths: fast), keeping existing translations. Edit the .ts files (Qt Linguist or by hand);
# the build compiles them to .qm and embeds them under :/i18n.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lupdate="$(command -v lupdate || echo /usr/lib/qt6/bin/lupdate)"
cd "$root"
ts=(translations/likeness_de.ts translations/likeness_zh_CN.ts)
# lupdate names contexts by the bare class name, but tr() in a class inside namespace
# likeness::studio looks them up by the qualified name: strip the qualification for lupdate's
# merge, then qualify every context except those given explicitly to QCoreApplication::translate.
plain='main|StudioController|MaskPainter'
sed -i -E 's#<name>likeness::studio::([A-Za-z_]+)</name>#<name>\1</name>#' "${ts[@]}"
"$lupdate" -no-obsolete -locations none ui app/studio -ts "${ts[@]}"
sed -i -E "/<name>($plain)<\/name>/! s#<name>([A-Za-z_]+)</name>#<name>likeness::studio::\1</name>#" "${ts[@]}"
