#include <ATen/ATen.h>  // torch before any Qt header

#include "ui/panels/history_panel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPixmap>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <map>

#include "engine/doc/document.h"

namespace likeness::studio {
namespace {

QString kind_text(doc::StepKind kind) {
  switch (kind) {
    case doc::StepKind::Create: return HistoryPanel::tr("New");
    case doc::StepKind::Generate: return HistoryPanel::tr("Generate");
    case doc::StepKind::Edit: return HistoryPanel::tr("Edit");
    case doc::StepKind::Slider: return HistoryPanel::tr("Adjust");
    case doc::StepKind::MaskPaint: return HistoryPanel::tr("Mask");
    case doc::StepKind::Import: return HistoryPanel::tr("Import");
  }
  return {};
}

}  // namespace

HistoryPanel::HistoryPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  tree_ = new QTreeWidget(this);
  tree_->setObjectName("historyTree");
  tree_->setColumnCount(2);
  tree_->setHeaderLabels({tr("Step"), tr("Kind")});
  tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  tree_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  tree_->setIconSize(QSize(48, 48));
  tree_->setRootIsDecorated(false);
  tree_->setIndentation(14);
  tree_->setUniformRowHeights(false);
  tree_->setMinimumHeight(110);
  connect(tree_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item, int) {
    if (!refreshing_ && item) Q_EMIT stepActivated(item->data(0, Qt::UserRole).toInt());
  });
  layout->addWidget(tree_, 1);
  auto* row = new QHBoxLayout();
  undo_ = new QPushButton(tr("Undo"), this);
  undo_->setObjectName("historyUndoButton");
  redo_ = new QPushButton(tr("Redo"), this);
  redo_->setObjectName("historyRedoButton");
  connect(undo_, &QPushButton::clicked, this, &HistoryPanel::undoRequested);
  connect(redo_, &QPushButton::clicked, this, &HistoryPanel::redoRequested);
  row->addWidget(undo_);
  row->addWidget(redo_);
  row->addStretch(1);
  layout->addLayout(row);
}

void HistoryPanel::refresh(const doc::Document& document) {
  refreshing_ = true;
  tree_->clear();
  const std::vector<doc::StepInfo> steps = document.steps();
  const int current = document.current_step();
  std::map<int, QTreeWidgetItem*> items;
  QTreeWidgetItem* current_item = nullptr;
  // A step's first child continues its parent's level; later children (branches) nest under it.
  for (const doc::StepInfo& s : steps) {
    QTreeWidgetItem* item = nullptr;
    if (s.parent < 0) {
      item = new QTreeWidgetItem(tree_);
    } else {
      const doc::StepInfo& parent = steps[static_cast<std::size_t>(s.parent)];
      const bool first = !parent.children.empty() && parent.children.front() == s.id;
      QTreeWidgetItem* p = items.at(s.parent);
      if (first) {
        QTreeWidgetItem* container = p->parent();
        item = container ? new QTreeWidgetItem(container) : new QTreeWidgetItem(tree_);
      } else {
        item = new QTreeWidgetItem(p);
      }
    }
    items[s.id] = item;
    item->setText(0, QStringLiteral("%1  %2").arg(s.id).arg(QString::fromStdString(s.label)));
    item->setText(1, kind_text(s.kind));
    item->setToolTip(0, QString::fromStdString(s.label + "\n" + s.time));
    item->setData(0, Qt::UserRole, s.id);
    if (s.has_thumbnail) {
      const std::string png = document.thumbnail(s.id);
      QPixmap pixmap;
      if (pixmap.loadFromData(reinterpret_cast<const uchar*>(png.data()), static_cast<uint>(png.size()), "PNG"))
        item->setIcon(0, QIcon(pixmap));
    }
    if (s.id == current) {
      QFont f = item->font(0);
      f.setBold(true);
      item->setFont(0, f);
      item->setFont(1, f);
      current_item = item;
    }
  }
  tree_->expandAll();
  if (current_item) {
    tree_->setCurrentItem(current_item);
    tree_->scrollToItem(current_item);
  }
  undo_->setEnabled(document.can_undo());
  redo_->setEnabled(document.can_redo());
  refreshing_ = false;
}

}  // namespace likeness::studio
