#include "sim/report/timeline_html.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace edgesim {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string op_label(const HistoryOp& op) {
  if (op.f == "read") return "r " + (op.status == OpStatus::kOk ? op.out.dump() : "?");
  if (op.f == "write") return "w " + op.arg.dump();
  if (op.f == "cas" && op.arg.is_array() && op.arg.size() == 2) {
    const char* outcome = op.status != OpStatus::kOk ? " ?" : (op.out == true ? " ok" : " no");
    return fmt::format("cas {}\u2192{}{}", op.arg[0].dump(), op.arg[1].dump(), outcome);
  }
  if (op.f == "append") return "a " + op.arg.dump();
  return op.f + " " + op.arg.dump();
}

// At most `limit` bytes plus an ellipsis, cut at a UTF-8 character boundary.
std::string shortened(const std::string& text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t cut = limit - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "\u2026";
}

// Positions on the time axis by rank, not by value: precedence (who returned before whom was
// called) is what matters, and real times often crowd many ops into a sliver of the page.
class TimeAxis {
 public:
  explicit TimeAxis(const History& ops) {
    for (const HistoryOp& op : ops) {
      ranks_[op.call] = 0;
      if (op.ret) ranks_[*op.ret] = 0;
    }
    size_t rank = 0;
    for (auto& [time, r] : ranks_) r = rank++;
    step_ = std::clamp(1100.0 / double(std::max<size_t>(ranks_.size(), 1)), 40.0, 90.0);
  }
  double x(int64_t time) const { return kLeft + double(ranks_.at(time)) * step_; }
  double end() const { return kLeft + double(ranks_.size()) * step_; }  // where info ops trail off
  double width() const { return end() + step_ + 20; }
  static constexpr double kLeft = 90;

 private:
  std::map<int64_t, size_t> ranks_;
  double step_ = 40;
};

struct Placed {
  const HistoryOp* op;
  double x1, x2;
  size_t row;
};

// One row per process; a process whose ops overlap (not a Jepsen-style process) gets extra lanes.
std::vector<Placed> place(const History& ops, const TimeAxis& axis,
                          std::map<size_t, uint64_t>& row_proc) {
  std::map<uint64_t, std::vector<double>> lanes_end;  // proc -> right end of each lane
  std::map<uint64_t, std::vector<const HistoryOp*>> by_proc;
  for (const HistoryOp& op : ops) by_proc[op.proc].push_back(&op);
  std::vector<Placed> placed;
  size_t row = 0;
  for (auto& [proc, list] : by_proc) {
    std::vector<double> lane_end;
    std::sort(list.begin(), list.end(),
              [](const HistoryOp* a, const HistoryOp* b) { return a->call < b->call; });
    for (const HistoryOp* op : list) {
      const double x1 = axis.x(op->call);
      const double x2 = std::max(op->ret ? axis.x(*op->ret) : axis.end(), x1 + 8);
      size_t lane = 0;
      while (lane < lane_end.size() && lane_end[lane] > x1) ++lane;
      if (lane == lane_end.size()) lane_end.push_back(0);
      lane_end[lane] = x2 + 2;
      placed.push_back(Placed{op, x1, x2, row + lane});
    }
    for (size_t lane = 0; lane < lane_end.size(); ++lane) row_proc[row + lane] = proc;
    row += lane_end.size();
  }
  return placed;
}

// The SVG carries its own styles, so it reads the same when saved on its own.
constexpr const char* kSvgStyle = R"(<style>
text { font: 11px monospace; } text.proc { font-weight: bold; }
rect { stroke: #555; stroke-width: 1; }
rect.prefix { fill: #b7e4c7; } rect.blocked { fill: #f4a3a3; stroke: #b00; stroke-width: 2; }
rect.other { fill: #e6e6e6; } rect.failed { fill: none; stroke-dasharray: 4 3; }
rect.info { stroke-dasharray: 2 2; fill-opacity: 0.5; }
</style>
)";

constexpr const char* kPageStyle = R"(<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin-top: 12px; } td, th { border: 1px solid #ccc; padding: 2px 8px; }
.legend span { display: inline-block; padding: 0 8px; margin-right: 8px; border: 1px solid #555; }
</style>
)";

std::string svg(const History& ops, const KeyVerdict& verdict) {
  const TimeAxis axis(ops);
  std::map<size_t, uint64_t> row_proc;
  const std::vector<Placed> placed = place(ops, axis, row_proc);
  std::map<uint64_t, size_t> order;  // op id -> 1-based position in the prefix
  for (size_t i = 0; i < verdict.longest_prefix.size(); ++i)
    order[verdict.longest_prefix[i]] = i + 1;
  const std::set<uint64_t> blocked(verdict.blocked.begin(), verdict.blocked.end());
  constexpr double kRow = 34;
  std::string out =
      fmt::format("<svg xmlns='http://www.w3.org/2000/svg' width='{:.0f}' height='{:.0f}'>\n",
                  axis.width(), double(row_proc.size()) * kRow + 20);
  out += kSvgStyle;
  for (const auto& [row, proc] : row_proc) {
    out += fmt::format("<text class='proc' x='8' y='{:.0f}'>proc {}</text>\n",
                       double(row) * kRow + 26, proc);
  }
  for (const Placed& p : placed) {
    const HistoryOp& op = *p.op;
    std::string css = "other";
    if (op.status == OpStatus::kFail)
      css = "failed";
    else if (order.count(op.id))
      css = "prefix";
    else if (blocked.count(op.id))
      css = "blocked";
    if (op.status == OpStatus::kInfo) css += " info";
    const double y = double(p.row) * kRow + 10;
    const std::string label =
        (order.count(op.id) ? fmt::format("#{} ", order[op.id]) : "") + op_label(op);
    out += fmt::format(
        "<g><title>op {} proc {}: {} {} arg={} out={} call={} ret={}</title>"
        "<rect class='{}' x='{:.1f}' y='{:.0f}' width='{:.1f}' height='22' rx='3'/>"
        "<text x='{:.1f}' y='{:.0f}'>{}</text></g>\n",
        op.id, op.proc, status_name(op.status), escape(op.f), escape(op.arg.dump()),
        escape(op.out.dump()), op.call, op.ret ? std::to_string(*op.ret) : "none", css, p.x1, y,
        p.x2 - p.x1, p.x1 + 3, y + 15,
        escape(shortened(label, size_t(std::max(14.0, (p.x2 - p.x1) / 6.5)))));
  }
  return out + "</svg>\n";
}

std::string prefix_table(const History& ops, const KeyVerdict& verdict) {
  std::map<uint64_t, const HistoryOp*> by_id;
  for (const HistoryOp& op : ops) by_id[op.id] = &op;
  std::string rows;
  for (size_t i = 0; i < verdict.longest_prefix.size(); ++i) {
    const HistoryOp& op = *by_id.at(verdict.longest_prefix[i]);
    const std::string state =
        i < verdict.prefix_states.size() ? verdict.prefix_states[i].dump() : "";
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", i + 1,
                        op.id, op.proc, escape(op_label(op)), escape(state));
  }
  return "<table><tr><th>#</th><th>op</th><th>proc</th><th>op</th><th>value after</th></tr>\n" +
         rows + "</table>\n";
}

// Long keys fail somewhere in the middle: draw the ops around the failure only, from the last
// kContext ops of the prefix to the return of the last stuck op.
History failure_window(const History& ops, const KeyVerdict& verdict) {
  constexpr size_t kContext = 30;
  const std::set<uint64_t> blocked(verdict.blocked.begin(), verdict.blocked.end());
  std::set<uint64_t> recent(
      verdict.longest_prefix.end() - std::min(kContext, verdict.longest_prefix.size()),
      verdict.longest_prefix.end());
  int64_t start = INT64_MAX, end = INT64_MIN;
  for (const HistoryOp& op : ops) {
    if (recent.count(op.id) || blocked.count(op.id)) start = std::min(start, op.call);
    if (blocked.count(op.id)) end = std::max(end, *op.ret);
  }
  if (blocked.empty()) return ops;  // nothing stuck (an unknown verdict): draw everything
  History window;
  for (const HistoryOp& op : ops) {
    const bool before = op.ret && *op.ret < start;
    if (!before && op.call <= end) window.push_back(op);
  }
  return window;
}

}  // namespace

std::string linearizability_timeline_html(const History& ops, const KeyVerdict& verdict,
                                          const std::string& title) {
  std::string blocked_list;
  for (uint64_t id : verdict.blocked)
    blocked_list += (blocked_list.empty() ? "" : ", ") + std::to_string(id);
  std::string page = "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>" + escape(title) +
                     "</title>\n" + kPageStyle + "</head><body>\n";
  page += fmt::format(
      "<h1>{}</h1>\n<p>Key <b>{}</b>: <b>{}</b> ({} ops, decided by the {} path). The longest "
      "linearizable prefix found has {} ops; after it, no order places op(s) {}.</p>\n",
      escape(title), escape(verdict.key), verdict_name(verdict.verdict), verdict.ops,
      verdict.method, verdict.longest_prefix.size(), blocked_list.empty() ? "-" : blocked_list);
  page +=
      "<p class='legend'><span style='background:#b7e4c7'>#n in the prefix, in order</span>"
      "<span style='background:#f4a3a3'>had to go next, cannot</span><span "
      "style='background:#e6e6e6'>after "
      "the prefix</span><span style='border-style:dashed'>failed (ignored) / dotted: unknown "
      "outcome</span></p>\n";
  page +=
      "<p>Time runs left to right by rank of the call and return times (hover an op for its real "
      "times); "
      "an op precedes another only if its box ends strictly left of the other's start.</p>\n";
  const History window = failure_window(ops, verdict);
  if (window.size() < ops.size()) {
    page += fmt::format("<p>Drawn: the {} ops around the failure (the key has {}).</p>\n",
                        window.size(), ops.size());
  }
  page += svg(window, verdict);
  page += "<h2>Longest linearizable prefix</h2>\n" + prefix_table(ops, verdict);
  return page + "</body></html>\n";
}

}  // namespace edgesim
