#pragma once
// The history panel: every step of the document as a tree (branches under the step they grew
// from) with its thumbnail, kind and label; the current step is selected. Clicking a step returns
// to it; Undo and Redo move along the current branch.
#include <QWidget>

class QTreeWidget;
class QTreeWidgetItem;
class QPushButton;

namespace likeness::doc {
class Document;
}

namespace likeness::studio {

class HistoryPanel : public QWidget {
  Q_OBJECT
public:
  explicit HistoryPanel(QWidget* parent = nullptr);

  /// Rebuilds the list from the document.
  void refresh(const doc::Document& document);
  /// The tree widget (one item per step; data(0, Qt::UserRole) is the step id).
  QTreeWidget* tree() const { return tree_; }

Q_SIGNALS:
  void stepActivated(int step);
  void undoRequested();
  void redoRequested();

private:
  QTreeWidget* tree_;
  QPushButton* undo_;
  QPushButton* redo_;
  bool refreshing_ = false;
};

}  // namespace likeness::studio
