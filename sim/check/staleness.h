#pragma once
// Staleness of reads: for each acknowledged read, how long the value it returned had already been
// superseded when the read began: read.call minus the completion time of the first acknowledged
// update that the value cannot reflect (0 if none had completed before the read began). Where a
// value could reflect several histories, the freshest is assumed, so this is a lower bound. Needs
// the workloads' unique written values. Per data type:
//   kv, map: a value's write is found by its value. It is superseded by the first acknowledged
//            write or delete of the key that began after that write completed. A null read is
//            explained by the latest delete invoked before the read ended (or the initial value)
//            and superseded by the first acknowledged write that began after it. A multi-value
//            read (an MV-register's array of concurrent values) is superseded by a write or delete
//            that began after all of its values' writes completed.
//   counter: superseded at the first moment the acknowledged increments completed so far add up
//            to more than the read could show, even if it counted every decrement (acknowledged or
//            not) invoked before it ended.
//   set:     superseded by the first acknowledged add whose element is missing (unless a remove
//            of it was invoked before the read ended), or acknowledged remove whose element is
//            still there (unless its add had not completed before the remove began: add-wins).
// A read whose value names a write of unknown outcome, or no write at all, counts 0. Text is not
// judged: deletes remove ranges, so almost any missing insert could be explained by a delete.

#include "sim/check/history.h"
#include "sim/metrics/histogram.h"
#include "sim/workload/workload_spec.h"

namespace edgesim {

// Every acknowledged read's staleness, and the stalest read (of equals, the lowest op id).
class ReadStaleness {
 public:
  void record(const HistoryOp& read, int64_t staleness_ns) {
    histogram_.record(staleness_ns);
    if (staleness_ns > stalest_ns_ ||
        (staleness_ns == stalest_ns_ && stalest_ != nullptr && read.id < stalest_->id)) {
      stalest_ = &read;
      stalest_ns_ = staleness_ns;
    }
  }
  const Histogram& histogram() const { return histogram_; }
  // The stalest read (into the judged history), or null when no read was behind at all.
  const HistoryOp* stalest() const { return stalest_; }
  int64_t stalest_ns() const { return stalest_ns_; }

 private:
  Histogram histogram_;
  const HistoryOp* stalest_ = nullptr;
  int64_t stalest_ns_ = 0;
};

// Reads of `type` (kv, map, counter, set) in `history`; asserts on text.
ReadStaleness read_staleness(DataType type, const History& history);

}  // namespace edgesim
