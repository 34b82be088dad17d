<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>likeness::studio::AttributesPanel</name>
    <message>
        <source>Warnings</source>
        <translation>Warnungen</translation>
    </message>
    <message>
        <source>Generate a face or apply an edit to see what the text was understood as.</source>
        <translation>Generieren Sie ein Gesicht oder wenden Sie eine Bearbeitung an, um zu sehen, wie der Text verstanden wurde.</translation>
    </message>
    <message>
        <source>Prompt: %1</source>
        <translation>Prompt: %1</translation>
    </message>
    <message>
        <source>Edit: %1</source>
        <translation>Bearbeitung: %1</translation>
    </message>
    <message>
        <source>(no targets the face model can act on)</source>
        <translation>(keine Ziele, auf die das Gesichtsmodell einwirken kann)</translation>
    </message>
    <message>
        <source>Target percentile of the population</source>
        <translation>Zielperzentil in der Bevölkerung</translation>
    </message>
    <message>
        <source>p%1 · %2</source>
        <translation>p%1 · %2</translation>
    </message>
    <message>
        <source>Choose the colour</source>
        <translation>Farbe auswählen</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Farbe</translation>
    </message>
</context>
<context>
    <name>likeness::studio::EditPanel</name>
    <message>
        <source>e.g. make the nose narrower, give him a grey stubble, she is smiling</source>
        <translation>z. B. make the nose narrower, give him a grey stubble, she is smiling</translation>
    </message>
    <message>
        <source>Geometry and texture</source>
        <translation>Geometrie und Textur</translation>
    </message>
    <message>
        <source>Geometry only</source>
        <translation>Nur Geometrie</translation>
    </message>
    <message>
        <source>Texture only</source>
        <translation>Nur Textur</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Umfang</translation>
    </message>
    <message>
        <source>Attention (from the words)</source>
        <translation>Aufmerksamkeit (aus den Wörtern)</translation>
    </message>
    <message>
        <source>Painted mask</source>
        <translation>Gemalte Maske</translation>
    </message>
    <message>
        <source>Both</source>
        <translation>Beides</translation>
    </message>
    <message>
        <source>Where the edit may change the face: the regions its words name, the mask you painted, or either</source>
        <translation>Wo die Bearbeitung das Gesicht verändern darf: die von ihren Wörtern genannten Regionen, die gemalte Maske oder beides</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>Maske</translation>
    </message>
    <message>
        <source>How far the edit may go against keeping the rest of the face</source>
        <translation>Wie weit die Bearbeitung gehen darf, statt den Rest des Gesichts zu bewahren</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>Stärke</translation>
    </message>
    <message>
        <source>&amp;Apply edit</source>
        <translation>Bearbeitung &amp;anwenden</translation>
    </message>
</context>
<context>
    <name>likeness::studio::ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>Durchsuchen...</translation>
    </message>
    <message>
        <source>Export into</source>
        <translation>Exportieren nach</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>glTF binary (.glb, textures embedded)</source>
        <translation>glTF binär (.glb, Texturen eingebettet)</translation>
    </message>
    <message>
        <source>FBX 7.4 binary (.fbx + PNG maps)</source>
        <translation>FBX 7.4 binär (.fbx + PNG-Maps)</translation>
    </message>
    <message>
        <source>OBJ + MTL (+ PNG maps)</source>
        <translation>OBJ + MTL (+ PNG-Maps)</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Blender (metres, Z up)</source>
        <translation>Blender (Meter, Z nach oben)</translation>
    </message>
    <message>
        <source>Maya (centimetres, Y up)</source>
        <translation>Maya (Zentimeter, Y nach oben)</translation>
    </message>
    <message>
        <source>Unity (metres, Y up)</source>
        <translation>Unity (Meter, Y nach oben)</translation>
    </message>
    <message>
        <source>Unreal (centimetres, Z up)</source>
        <translation>Unreal (Zentimeter, Z nach oben)</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Voreinstellung</translation>
    </message>
    <message>
        <source>Texture size</source>
        <translation>Texturgröße</translation>
    </message>
    <message>
        <source>53 expression blendshapes (otherwise the expression is baked in)</source>
        <translation>53 Ausdrucks-Blendshapes (sonst wird der Ausdruck eingebacken)</translation>
    </message>
    <message>
        <source> texels</source>
        <translation> Texel</translation>
    </message>
    <message>
        <source>Seam padding</source>
        <translation>Nahtauffüllung</translation>
    </message>
    <message>
        <source>Exporting...</source>
        <translation>Wird exportiert...</translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n file(s); the main one is %1</source>
        <translation>
            <numerusform>%n Datei geschrieben; die Hauptdatei ist %1</numerusform>
            <numerusform>%n Dateien geschrieben; die Hauptdatei ist %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>likeness::studio::ExpressionsPanel</name>
    <message>
        <source>Brows</source>
        <translation>Brauen</translation>
    </message>
    <message>
        <source>Eyes</source>
        <translation>Augen</translation>
    </message>
    <message>
        <source>Cheeks</source>
        <translation>Wangen</translation>
    </message>
    <message>
        <source>Nose</source>
        <translation>Nase</translation>
    </message>
    <message>
        <source>Jaw</source>
        <translation>Kiefer</translation>
    </message>
    <message>
        <source>Mouth</source>
        <translation>Mund</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstiges</translation>
    </message>
    <message>
        <source>Neutral expression</source>
        <translation>Neutraler Ausdruck</translation>
    </message>
    <message>
        <source>expression %1 %2</source>
        <translation>Ausdruck %1 %2</translation>
    </message>
    <message>
        <source>neutral expression</source>
        <translation>neutraler Ausdruck</translation>
    </message>
</context>
<context>
    <name>likeness::studio::HistoryPanel</name>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Generierung</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeitung</translation>
    </message>
    <message>
        <source>Adjust</source>
        <translation>Anpassung</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>Maske</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Wiederherstellen</translation>
    </message>
</context>
<context>
    <name>likeness::studio::MainWindow</name>
    <message>
        <source>Loading the head model&apos;s statistics and appearance model...</source>
        <translation>Statistik und Erscheinungsmodell des Kopfmodells werden geladen...</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>Maske</translation>
    </message>
    <message>
        <source>Understood attributes</source>
        <translation>Erkannte Attribute</translation>
    </message>
    <message>
        <source>Expressions</source>
        <translation>Ausdrücke</translation>
    </message>
    <message>
        <source>View</source>
        <translation>Ansicht</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Generieren</translation>
    </message>
    <message>
        <source>Type a description of a face first.</source>
        <translation>Geben Sie zuerst eine Beschreibung eines Gesichts ein.</translation>
    </message>
    <message>
        <source>Type an instruction first, e.g. &quot;make the nose narrower&quot;.</source>
        <translation>Geben Sie zuerst eine Anweisung ein, z. B. „make the nose narrower“.</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Neu</translation>
    </message>
    <message>
        <source>&amp;Open...</source>
        <translation>Ö&amp;ffnen...</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Save &amp;As...</source>
        <translation>Speichern &amp;unter...</translation>
    </message>
    <message>
        <source>&amp;Export...</source>
        <translation>&amp;Exportieren...</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
    <message>
        <source>&amp;Preferences...</source>
        <translation>&amp;Einstellungen...</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generieren</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>&amp;Stopp</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>&amp;About Likeness</source>
        <translation>Ü&amp;ber Likeness</translation>
    </message>
    <message>
        <source>Open a project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <source>Likeness projects (*.likeness)</source>
        <translation>Likeness-Projekte (*.likeness)</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>About Likeness</source>
        <translation>Über Likeness</translation>
    </message>
    <message>
        <source>&lt;b&gt;Likeness %1&lt;/b&gt;&lt;p&gt;Describe a face and refine it with text edits.&lt;/p&gt;&lt;p&gt;Head model: ICT-FaceKit (MIT). Built with Qt, Vulkan, LibTorch and Dear ImGui.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Likeness %1&lt;/b&gt;&lt;p&gt;Beschreiben Sie ein Gesicht und verfeinern Sie es mit Textbearbeitungen.&lt;/p&gt;&lt;p&gt;Kopfmodell: ICT-FaceKit (MIT). Erstellt mit Qt, Vulkan, LibTorch und Dear ImGui.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>Aus&amp;führen</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>&amp;Bedienfelder</translation>
    </message>
    <message>
        <source>&amp;Stats overlay</source>
        <translation>&amp;Statistik-Overlay</translation>
    </message>
    <message>
        <source>&amp;Front	1</source>
        <translation>&amp;Vorne	1</translation>
    </message>
    <message>
        <source>&amp;Three-quarter	3</source>
        <translation>&amp;Dreiviertel	3</translation>
    </message>
    <message>
        <source>&amp;Profile	7</source>
        <translation>&amp;Profil	7</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Hauptwerkzeugleiste</translation>
    </message>
    <message>
        <source>Loading</source>
        <translation>Wird geladen</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Optimizing...</source>
        <translation>Wird optimiert...</translation>
    </message>
    <message>
        <source>%1 · step %2/%3 · loss %4</source>
        <translation>%1 · Schritt %2/%3 · Verlust %4</translation>
    </message>
    <message>
        <source>Stopped; the face is as it was</source>
        <translation>Gestoppt; das Gesicht ist unverändert</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Likeness</source>
        <translation>Likeness</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>Unbenannt</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Nicht gespeicherte Änderungen</translation>
    </message>
    <message>
        <source>The face has changes that are not saved. Save them first?</source>
        <translation>Das Gesicht hat nicht gespeicherte Änderungen. Zuerst speichern?</translation>
    </message>
    <message>
        <source>New head</source>
        <translation>Neuer Kopf</translation>
    </message>
    <message>
        <source>Recover unsaved work</source>
        <translation>Nicht gespeicherte Arbeit wiederherstellen</translation>
    </message>
    <message>
        <source>%1 has an autosave from %2 that is newer than the file (the studio did not close normally). Restore it?</source>
        <translation>Für %1 gibt es eine automatische Sicherung von %2, die neuer ist als die Datei (das Studio wurde nicht ordnungsgemäß beendet). Wiederherstellen?</translation>
    </message>
    <message>
        <source>Restored the autosave of %1; save to keep it</source>
        <translation>Automatische Sicherung von %1 wiederhergestellt; speichern, um sie zu behalten</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Damaged project</source>
        <translation>Beschädigtes Projekt</translation>
    </message>
    <message>
        <source>%1

Recover the steps that are intact? The result opens as an unsaved copy.</source>
        <translation>%1

Die intakten Schritte wiederherstellen? Das Ergebnis wird als nicht gespeicherte Kopie geöffnet.</translation>
    </message>
    <message>
        <source>Nothing in %1 could be recovered.</source>
        <translation>Aus %1 konnte nichts wiederhergestellt werden.</translation>
    </message>
    <message>
        <source>Recovered %1 of %2 steps; save them under a new name</source>
        <translation>%1 von %2 Schritten wiederhergestellt; unter neuem Namen speichern</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>Save the project</source>
        <translation>Projekt speichern</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>%1 exportiert</translation>
    </message>
    <message numerus="yes">
        <source>An untitled face from %1 (%n step(s)) was not saved when the studio last closed. Restore it?</source>
        <translation>
            <numerusform>Ein unbenanntes Gesicht von %1 (%n Schritt) wurde beim letzten Beenden des Studios nicht gespeichert. Wiederherstellen?</numerusform>
            <numerusform>Ein unbenanntes Gesicht von %1 (%n Schritte) wurde beim letzten Beenden des Studios nicht gespeichert. Wiederherstellen?</numerusform>
        </translation>
    </message>
    <message>
        <source>Restored unsaved work; save it to keep it</source>
        <translation>Nicht gespeicherte Arbeit wiederhergestellt; speichern, um sie zu behalten</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>Wiederherstellen</translation>
    </message>
</context>
<context>
    <name>MaskPainter</name>
    <message>
        <source>erase mask</source>
        <translation>Maske radieren</translation>
    </message>
    <message>
        <source>paint mask</source>
        <translation>Maske malen</translation>
    </message>
    <message>
        <source>clear mask</source>
        <translation>Maske leeren</translation>
    </message>
</context>
<context>
    <name>likeness::studio::MaskPanel</name>
    <message>
        <source>Paint on the head (left drag; Alt+drag or right drag orbits)</source>
        <translation>Auf den Kopf malen (mit links ziehen; Alt+Ziehen oder mit rechts ziehen dreht die Ansicht)</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>Radieren</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Hardness</source>
        <translation>Härte</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>Maske leeren</translation>
    </message>
</context>
<context>
    <name>likeness::studio::PreferencesDialog</name>
    <message>
        <source>Browse...</source>
        <translation>Durchsuchen...</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Textures</source>
        <translation>Texturen</translation>
    </message>
    <message>
        <source>Resolution of new faces and exports</source>
        <translation>Auflösung neuer Gesichter und Exporte</translation>
    </message>
    <message>
        <source>Viewport texture resolution</source>
        <translation>Texturauflösung im Viewport</translation>
    </message>
    <message>
        <source>Optimization</source>
        <translation>Optimierung</translation>
    </message>
    <message>
        <source>default (140)</source>
        <translation>Standard (140)</translation>
    </message>
    <message>
        <source>Generation steps</source>
        <translation>Generierungsschritte</translation>
    </message>
    <message>
        <source>default (60)</source>
        <translation>Standard (60)</translation>
    </message>
    <message>
        <source>Edit steps</source>
        <translation>Bearbeitungsschritte</translation>
    </message>
    <message>
        <source>Viewport update every N steps</source>
        <translation>Viewport-Aktualisierung alle N Schritte</translation>
    </message>
    <message>
        <source>all cores</source>
        <translation>alle Kerne</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>Viewport</source>
        <translation>Viewport</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Antialiasing (next start)</source>
        <translation>Kantenglättung (ab nächstem Start)</translation>
    </message>
    <message>
        <source>Soft shadows</source>
        <translation>Weiche Schatten</translation>
    </message>
    <message>
        <source>Exposure</source>
        <translation>Belichtung</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>searched first; then the usual asset search path</source>
        <translation>wird zuerst durchsucht, danach der übliche Asset-Suchpfad</translation>
    </message>
    <message>
        <source>Assets (ICT Face Model)</source>
        <translation>Assets (ICT Face Model)</translation>
    </message>
    <message>
        <source>Assets folder</source>
        <translation>Asset-Ordner</translation>
    </message>
    <message>
        <source>CLIP and Stable Diffusion weights for neural guidance</source>
        <translation>CLIP- und Stable-Diffusion-Gewichte für die neuronale Steuerung</translation>
    </message>
    <message>
        <source>Neural weights</source>
        <translation>Neuronale Gewichte</translation>
    </message>
    <message>
        <source>Weights folder</source>
        <translation>Gewichte-Ordner</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>Language (next start)</source>
        <translation>Sprache (ab nächstem Start)</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Autosave every</source>
        <translation>Automatisch speichern alle</translation>
    </message>
</context>
<context>
    <name>likeness::studio::PromptPanel</name>
    <message>
        <source>Describe a face, e.g. &quot;an old woman with a round face, thin lips and freckles&quot;</source>
        <translation>Beschreiben Sie ein Gesicht auf Englisch, z. B. „an old woman with a round face, thin lips and freckles“</translation>
    </message>
    <message>
        <source>Examples...</source>
        <translation>Beispiele...</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>The same prompt and seed give the same face</source>
        <translation>Gleicher Prompt und gleicher Seed ergeben dasselbe Gesicht</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generieren</translation>
    </message>
    <message>
        <source>Generate a face from the description (Ctrl+Return)</source>
        <translation>Gesicht aus der Beschreibung generieren (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Loading...</source>
        <translation>Wird geladen...</translation>
    </message>
</context>
<context>
    <name>StudioController</name>
    <message>
        <source>%1 in %2 s (%3 steps, loss %4)</source>
        <translation>%1 in %2 s (%3 Schritte, Verlust %4)</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>Generiert</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>Bearbeitet</translation>
    </message>
    <message>
        <source>Re-optimized</source>
        <translation>Neu optimiert</translation>
    </message>
</context>
<context>
    <name>likeness::studio::UvView</name>
    <message>
        <source>UV view of the face: drag to paint the edit mask</source>
        <translation>UV-Ansicht des Gesichts: ziehen, um die Bearbeitungsmaske zu malen</translation>
    </message>
</context>
<context>
    <name>likeness::studio::ViewPanel</name>
    <message>
        <source>Three-point</source>
        <translation>Drei-Punkt</translation>
    </message>
    <message>
        <source>Soft box</source>
        <translation>Softbox</translation>
    </message>
    <message>
        <source>Rim</source>
        <translation>Kantenlicht</translation>
    </message>
    <message>
        <source>Outdoor</source>
        <translation>Außen</translation>
    </message>
    <message>
        <source>Lighting</source>
        <translation>Beleuchtung</translation>
    </message>
    <message>
        <source>Exposure</source>
        <translation>Belichtung</translation>
    </message>
    <message>
        <source>Soft shadows</source>
        <translation>Weiche Schatten</translation>
    </message>
    <message>
        <source>Overlays</source>
        <translation>Overlays</translation>
    </message>
    <message>
        <source>Wireframe</source>
        <translation>Drahtgitter</translation>
    </message>
    <message>
        <source>UV checker</source>
        <translation>UV-Schachbrett</translation>
    </message>
    <message>
        <source>Landmarks</source>
        <translation>Landmarken</translation>
    </message>
    <message>
        <source>Painted mask</source>
        <translation>Gemalte Maske</translation>
    </message>
    <message>
        <source>Edit weights (red: free to change)</source>
        <translation>Bearbeitungsgewichte (rot: frei veränderbar)</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>Front</source>
        <translation>Vorne</translation>
    </message>
    <message>
        <source>3/4</source>
        <translation>3/4</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Vulkan is not available (error %1). Install a Vulkan driver: mesa-vulkan-drivers provides lavapipe, a software renderer.</source>
        <translation>Vulkan ist nicht verfügbar (Fehler %1). Installieren Sie einen Vulkan-Treiber: mesa-vulkan-drivers enthält lavapipe, einen Software-Renderer.</translation>
    </message>
</context>
</TS>
