<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>likeness::studio::AttributesPanel</name>
    <message>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Generate a face or apply an edit to see what the text was understood as.</source>
        <translation>生成一张面孔或应用一次编辑，即可查看文本的理解结果。</translation>
    </message>
    <message>
        <source>Prompt: %1</source>
        <translation>提示词：%1</translation>
    </message>
    <message>
        <source>Edit: %1</source>
        <translation>编辑：%1</translation>
    </message>
    <message>
        <source>(no targets the face model can act on)</source>
        <translation>（没有面部模型可作用的目标）</translation>
    </message>
    <message>
        <source>Target percentile of the population</source>
        <translation>在人群中的目标百分位</translation>
    </message>
    <message>
        <source>p%1 · %2</source>
        <translation>p%1 · %2</translation>
    </message>
    <message>
        <source>Choose the colour</source>
        <translation>选择颜色</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>颜色</translation>
    </message>
</context>
<context>
    <name>likeness::studio::EditPanel</name>
    <message>
        <source>e.g. make the nose narrower, give him a grey stubble, she is smiling</source>
        <translation>例如：make the nose narrower, give him a grey stubble, she is smiling</translation>
    </message>
    <message>
        <source>Geometry and texture</source>
        <translation>几何与纹理</translation>
    </message>
    <message>
        <source>Geometry only</source>
        <translation>仅几何</translation>
    </message>
    <message>
        <source>Texture only</source>
        <translation>仅纹理</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Attention (from the words)</source>
        <translation>注意力（来自文字）</translation>
    </message>
    <message>
        <source>Painted mask</source>
        <translation>绘制的遮罩</translation>
    </message>
    <message>
        <source>Both</source>
        <translation>两者</translation>
    </message>
    <message>
        <source>Where the edit may change the face: the regions its words name, the mask you painted, or either</source>
        <translation>编辑可以改变面部的哪些部分：文字所指的区域、您绘制的遮罩，或二者之一</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>遮罩</translation>
    </message>
    <message>
        <source>How far the edit may go against keeping the rest of the face</source>
        <translation>编辑可以偏离多远，而不是保持面部其余部分不变</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>强度</translation>
    </message>
    <message>
        <source>&amp;Apply edit</source>
        <translation>应用编辑(&amp;A)</translation>
    </message>
</context>
<context>
    <name>likeness::studio::ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Export into</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>glTF binary (.glb, textures embedded)</source>
        <translation>glTF 二进制（.glb，嵌入纹理）</translation>
    </message>
    <message>
        <source>FBX 7.4 binary (.fbx + PNG maps)</source>
        <translation>FBX 7.4 二进制（.fbx + PNG 贴图）</translation>
    </message>
    <message>
        <source>OBJ + MTL (+ PNG maps)</source>
        <translation>OBJ + MTL（+ PNG 贴图）</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Blender (metres, Z up)</source>
        <translation>Blender（米，Z 轴向上）</translation>
    </message>
    <message>
        <source>Maya (centimetres, Y up)</source>
        <translation>Maya（厘米，Y 轴向上）</translation>
    </message>
    <message>
        <source>Unity (metres, Y up)</source>
        <translation>Unity（米，Y 轴向上）</translation>
    </message>
    <message>
        <source>Unreal (centimetres, Z up)</source>
        <translation>Unreal（厘米，Z 轴向上）</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Texture size</source>
        <translation>纹理尺寸</translation>
    </message>
    <message>
        <source>53 expression blendshapes (otherwise the expression is baked in)</source>
        <translation>53 个表情混合变形（否则表情将被烘焙到模型中）</translation>
    </message>
    <message>
        <source> texels</source>
        <translation> 纹素</translation>
    </message>
    <message>
        <source>Seam padding</source>
        <translation>接缝填充</translation>
    </message>
    <message>
        <source>Exporting...</source>
        <translation>正在导出...</translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n file(s); the main one is %1</source>
        <translation>
            <numerusform>已写入 %n 个文件；主文件为 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
</context>
<context>
    <name>likeness::studio::ExpressionsPanel</name>
    <message>
        <source>Brows</source>
        <translation>眉毛</translation>
    </message>
    <message>
        <source>Eyes</source>
        <translation>眼睛</translation>
    </message>
    <message>
        <source>Cheeks</source>
        <translation>脸颊</translation>
    </message>
    <message>
        <source>Nose</source>
        <translation>鼻子</translation>
    </message>
    <message>
        <source>Jaw</source>
        <translation>下颌</translation>
    </message>
    <message>
        <source>Mouth</source>
        <translation>嘴</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Neutral expression</source>
        <translation>中性表情</translation>
    </message>
    <message>
        <source>expression %1 %2</source>
        <translation>表情 %1 %2</translation>
    </message>
    <message>
        <source>neutral expression</source>
        <translation>中性表情</translation>
    </message>
</context>
<context>
    <name>likeness::studio::HistoryPanel</name>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Adjust</source>
        <translation>调整</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>遮罩</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
</context>
<context>
    <name>likeness::studio::MainWindow</name>
    <message>
        <source>Loading the head model&apos;s statistics and appearance model...</source>
        <translation>正在加载头部模型的统计数据和外观模型...</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>遮罩</translation>
    </message>
    <message>
        <source>Understood attributes</source>
        <translation>已理解的属性</translation>
    </message>
    <message>
        <source>Expressions</source>
        <translation>表情</translation>
    </message>
    <message>
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Type a description of a face first.</source>
        <translation>请先输入面部描述。</translation>
    </message>
    <message>
        <source>Type an instruction first, e.g. &quot;make the nose narrower&quot;.</source>
        <translation>请先输入指令，例如“make the nose narrower”。</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open...</source>
        <translation>打开(&amp;O)...</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save &amp;As...</source>
        <translation>另存为(&amp;A)...</translation>
    </message>
    <message>
        <source>&amp;Export...</source>
        <translation>导出(&amp;E)...</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Preferences...</source>
        <translation>首选项(&amp;P)...</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;About Likeness</source>
        <translation>关于 Likeness(&amp;A)</translation>
    </message>
    <message>
        <source>Open a project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>Likeness projects (*.likeness)</source>
        <translation>Likeness 项目 (*.likeness)</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>About Likeness</source>
        <translation>关于 Likeness</translation>
    </message>
    <message>
        <source>&lt;b&gt;Likeness %1&lt;/b&gt;&lt;p&gt;Describe a face and refine it with text edits.&lt;/p&gt;&lt;p&gt;Head model: ICT-FaceKit (MIT). Built with Qt, Vulkan, LibTorch and Dear ImGui.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Likeness %1&lt;/b&gt;&lt;p&gt;描述一张面孔，并通过文本编辑对其进行细化。&lt;/p&gt;&lt;p&gt;头部模型：ICT-FaceKit (MIT)。基于 Qt、Vulkan、LibTorch 和 Dear ImGui 构建。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Stats overlay</source>
        <translation>统计叠加层(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Front	1</source>
        <translation>正面(&amp;F)	1</translation>
    </message>
    <message>
        <source>&amp;Three-quarter	3</source>
        <translation>四分之三侧面(&amp;T)	3</translation>
    </message>
    <message>
        <source>&amp;Profile	7</source>
        <translation>侧面(&amp;P)	7</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Loading</source>
        <translation>正在加载</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Optimizing...</source>
        <translation>正在优化...</translation>
    </message>
    <message>
        <source>%1 · step %2/%3 · loss %4</source>
        <translation>%1 · 第 %2/%3 步 · 损失 %4</translation>
    </message>
    <message>
        <source>Stopped; the face is as it was</source>
        <translation>已停止；面部保持原样</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Likeness</source>
        <translation>Likeness</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>The face has changes that are not saved. Save them first?</source>
        <translation>该面孔有未保存的更改。是否先保存？</translation>
    </message>
    <message>
        <source>New head</source>
        <translation>新建头部</translation>
    </message>
    <message>
        <source>Recover unsaved work</source>
        <translation>恢复未保存的工作</translation>
    </message>
    <message>
        <source>%1 has an autosave from %2 that is newer than the file (the studio did not close normally). Restore it?</source>
        <translation>%1 有一份 %2 的自动保存，比该文件更新（工作室未正常关闭）。是否恢复？</translation>
    </message>
    <message>
        <source>Restored the autosave of %1; save to keep it</source>
        <translation>已恢复 %1 的自动保存；请保存以保留</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Damaged project</source>
        <translation>项目已损坏</translation>
    </message>
    <message>
        <source>%1

Recover the steps that are intact? The result opens as an unsaved copy.</source>
        <translation>%1

是否恢复完好的步骤？结果将作为未保存的副本打开。</translation>
    </message>
    <message>
        <source>Nothing in %1 could be recovered.</source>
        <translation>无法从 %1 中恢复任何内容。</translation>
    </message>
    <message>
        <source>Recovered %1 of %2 steps; save them under a new name</source>
        <translation>已恢复 %2 个步骤中的 %1 个；请以新名称保存</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Save the project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message numerus="yes">
        <source>An untitled face from %1 (%n step(s)) was not saved when the studio last closed. Restore it?</source>
        <translation>
            <numerusform>一个来自 %1 的未命名面孔（%n 个步骤）在工作室上次关闭时未保存。是否恢复？</numerusform>
        </translation>
    </message>
    <message>
        <source>Restored unsaved work; save it to keep it</source>
        <translation>已恢复未保存的工作；请保存以保留</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>恢复</translation>
    </message>
</context>
<context>
    <name>MaskPainter</name>
    <message>
        <source>erase mask</source>
        <translation>擦除遮罩</translation>
    </message>
    <message>
        <source>paint mask</source>
        <translation>绘制遮罩</translation>
    </message>
    <message>
        <source>clear mask</source>
        <translation>清除遮罩</translation>
    </message>
</context>
<context>
    <name>likeness::studio::MaskPanel</name>
    <message>
        <source>Paint on the head (left drag; Alt+drag or right drag orbits)</source>
        <translation>在头部上绘制（左键拖动；Alt+拖动或右键拖动可环绕视图）</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>擦除</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Hardness</source>
        <translation>硬度</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>清除遮罩</translation>
    </message>
</context>
<context>
    <name>likeness::studio::PreferencesDialog</name>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>Textures</source>
        <translation>纹理</translation>
    </message>
    <message>
        <source>Resolution of new faces and exports</source>
        <translation>新面孔和导出的分辨率</translation>
    </message>
    <message>
        <source>Viewport texture resolution</source>
        <translation>视口纹理分辨率</translation>
    </message>
    <message>
        <source>Optimization</source>
        <translation>优化</translation>
    </message>
    <message>
        <source>default (140)</source>
        <translation>默认 (140)</translation>
    </message>
    <message>
        <source>Generation steps</source>
        <translation>生成步数</translation>
    </message>
    <message>
        <source>default (60)</source>
        <translation>默认 (60)</translation>
    </message>
    <message>
        <source>Edit steps</source>
        <translation>编辑步数</translation>
    </message>
    <message>
        <source>Viewport update every N steps</source>
        <translation>每 N 步更新一次视口</translation>
    </message>
    <message>
        <source>all cores</source>
        <translation>所有核心</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程</translation>
    </message>
    <message>
        <source>Viewport</source>
        <translation>视口</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Antialiasing (next start)</source>
        <translation>抗锯齿（下次启动时生效）</translation>
    </message>
    <message>
        <source>Soft shadows</source>
        <translation>软阴影</translation>
    </message>
    <message>
        <source>Exposure</source>
        <translation>曝光</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>searched first; then the usual asset search path</source>
        <translation>优先搜索；然后搜索常规资源搜索路径</translation>
    </message>
    <message>
        <source>Assets (ICT Face Model)</source>
        <translation>资源（ICT Face Model）</translation>
    </message>
    <message>
        <source>Assets folder</source>
        <translation>资源文件夹</translation>
    </message>
    <message>
        <source>CLIP and Stable Diffusion weights for neural guidance</source>
        <translation>用于神经引导的 CLIP 和 Stable Diffusion 权重</translation>
    </message>
    <message>
        <source>Neural weights</source>
        <translation>神经网络权重</translation>
    </message>
    <message>
        <source>Weights folder</source>
        <translation>权重文件夹</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>Language (next start)</source>
        <translation>语言（下次启动时生效）</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Autosave every</source>
        <translation>自动保存间隔</translation>
    </message>
</context>
<context>
    <name>likeness::studio::PromptPanel</name>
    <message>
        <source>Describe a face, e.g. &quot;an old woman with a round face, thin lips and freckles&quot;</source>
        <translation>用英文描述一张面孔，例如“an old woman with a round face, thin lips and freckles”</translation>
    </message>
    <message>
        <source>Examples...</source>
        <translation>示例...</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>The same prompt and seed give the same face</source>
        <translation>相同的提示词和种子会生成相同的面孔</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>Generate a face from the description (Ctrl+Return)</source>
        <translation>根据描述生成面孔 (Ctrl+Return)</translation>
    </message>
    <message>
        <source>Loading...</source>
        <translation>正在加载...</translation>
    </message>
</context>
<context>
    <name>StudioController</name>
    <message>
        <source>%1 in %2 s (%3 steps, loss %4)</source>
        <translation>%1，用时 %2 秒（%3 步，损失 %4）</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>已生成</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source>Re-optimized</source>
        <translation>已重新优化</translation>
    </message>
</context>
<context>
    <name>likeness::studio::UvView</name>
    <message>
        <source>UV view of the face: drag to paint the edit mask</source>
        <translation>面部 UV 视图：拖动以绘制编辑遮罩</translation>
    </message>
</context>
<context>
    <name>likeness::studio::ViewPanel</name>
    <message>
        <source>Three-point</source>
        <translation>三点布光</translation>
    </message>
    <message>
        <source>Soft box</source>
        <translation>柔光箱</translation>
    </message>
    <message>
        <source>Rim</source>
        <translation>轮廓光</translation>
    </message>
    <message>
        <source>Outdoor</source>
        <translation>户外</translation>
    </message>
    <message>
        <source>Lighting</source>
        <translation>灯光</translation>
    </message>
    <message>
        <source>Exposure</source>
        <translation>曝光</translation>
    </message>
    <message>
        <source>Soft shadows</source>
        <translation>软阴影</translation>
    </message>
    <message>
        <source>Overlays</source>
        <translation>叠加层</translation>
    </message>
    <message>
        <source>Wireframe</source>
        <translation>线框</translation>
    </message>
    <message>
        <source>UV checker</source>
        <translation>UV 棋盘格</translation>
    </message>
    <message>
        <source>Landmarks</source>
        <translation>特征点</translation>
    </message>
    <message>
        <source>Painted mask</source>
        <translation>绘制的遮罩</translation>
    </message>
    <message>
        <source>Edit weights (red: free to change)</source>
        <translation>编辑权重（红色：可自由更改）</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Front</source>
        <translation>正面</translation>
    </message>
    <message>
        <source>3/4</source>
        <translation>3/4</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>侧面</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Vulkan is not available (error %1). Install a Vulkan driver: mesa-vulkan-drivers provides lavapipe, a software renderer.</source>
        <translation>Vulkan 不可用（错误 %1）。请安装 Vulkan 驱动程序：mesa-vulkan-drivers 提供软件渲染器 lavapipe。</translation>
    </message>
</context>
</TS>
