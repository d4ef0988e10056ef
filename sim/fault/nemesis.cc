#include "sim/fault/nemesis.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/core/assert.h"

namespace edgesim {
namespace {
// Event payload: fault index * 2 + (1 for undo). The final heal uses kFinalHeal.
constexpr uint64_t kFinalHeal = UINT64_MAX;
}  // namespace

Nemesis::Nemesis(EventLoop& loop, Network& network, Cluster& cluster, const Topology& topology,
                 std::vector<ResolvedFault> schedule, const RandomFaultsSpec& random,
                 const Prng& prng, Instant quiet_start)
    : loop_(loop),
      network_(network),
      cluster_(cluster),
      topology_(topology),
      kind_(loop.register_kind("fault", this)),
      faults_(std::move(schedule)),
      degraded_(topology.pops_count(), false) {
  Prng stream = prng;
  if (random.enabled) add_random_faults(random, stream, quiet_start);
  partitions_.resize(faults_.size());
  for (size_t i = 0; i < faults_.size(); ++i) {
    const ResolvedFault& fault = faults_[i];
    EDGESIM_ASSERT(fault.at <= quiet_start, "fault {} starts in the quiet phase", i);
    loop_.schedule(fault.at, kind_, 0, i * 2);
    if (fault.lasts) {
      const Instant end = std::min(fault.at + *fault.lasts, quiet_start);
      loop_.schedule(end, kind_, 0, i * 2 + 1);
    }
  }
  loop_.schedule(quiet_start, kind_, 0, kFinalHeal);
}

void Nemesis::add_random_faults(const RandomFaultsSpec& random, Prng& prng, Instant quiet_start) {
  EDGESIM_ASSERT(!random.kinds.empty());
  const size_t n = topology_.pops_count();
  Instant at{0};
  for (;;) {
    at += Duration{static_cast<int64_t>(prng.exponential(double(random.mean_interval.ns)))};
    if (at >= quiet_start) break;
    ResolvedFault fault;
    fault.at = at;
    fault.kind = random.kinds[prng.uniform(random.kinds.size())];
    fault.lasts = Duration{prng.uniform_int(random.duration_min.ns, random.duration_max.ns)};
    const NodeId victim = static_cast<NodeId>(prng.uniform(n));
    switch (fault.kind) {
      case FaultKind::kPartition: {
        // A random cut: shuffle the nodes and split off between 1 and n/2 of them.
        std::vector<NodeId> order(n);
        for (NodeId i = 0; i < n; ++i) order[i] = i;
        for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[prng.uniform(i)]);
        const size_t cut = 1 + prng.uniform(std::max<size_t>(1, n / 2));
        fault.groups = {std::vector<NodeId>(order.begin(), order.begin() + long(cut)),
                        std::vector<NodeId>(order.begin() + long(cut), order.end())};
        for (auto& group : fault.groups) std::sort(group.begin(), group.end());
        break;
      }
      case FaultKind::kClockStep:
        fault.nodes = {victim};
        fault.clock_step =
            Duration{prng.uniform_int(-random.clock_step_max.ns, random.clock_step_max.ns)};
        fault.lasts.reset();
        break;
      case FaultKind::kDegrade:
        fault.nodes = {victim};
        fault.degradation = Degradation{random.degrade_loss_ratio, random.degrade_extra_latency};
        break;
      default:
        fault.nodes = {victim};
        break;
    }
    faults_.push_back(std::move(fault));
  }
  // The loop orders same-time events by insertion; sort so the schedule reads in time order.
  std::stable_sort(faults_.begin(), faults_.end(),
                   [](const ResolvedFault& a, const ResolvedFault& b) { return a.at < b.at; });
}

void Nemesis::on_event(const Event& event) {
  if (event.payload == kFinalHeal) {
    final_heal();
    return;
  }
  const size_t index = event.payload / 2;
  EDGESIM_ASSERT(index < faults_.size());
  if (event.payload % 2 == 0) {
    apply(index);
  } else {
    undo(index);
  }
}

void Nemesis::apply(size_t index) {
  const ResolvedFault& fault = faults_[index];
  const Instant now = loop_.now();
  switch (fault.kind) {
    case FaultKind::kPartition:
      partition(index);
      break;
    case FaultKind::kHeal:
      heal_all();
      break;
    case FaultKind::kCrash:
      for (NodeId node : fault.nodes) cluster_.node(node).crash();
      note(fmt::format("crash {}", names(fault.nodes)));
      break;
    case FaultKind::kRestart:
      for (NodeId node : fault.nodes) cluster_.node(node).restart();
      note(fmt::format("restart {}", names(fault.nodes)));
      last_recovery_ = now;
      break;
    case FaultKind::kClockStep:
      for (NodeId node : fault.nodes) cluster_.node(node).clock().step(now, fault.clock_step);
      note(fmt::format("clock step {} on {}", format_duration(fault.clock_step),
                       names(fault.nodes)));
      break;
    case FaultKind::kDegrade:
      for (NodeId node : fault.nodes) {
        network_.degrade(node, fault.degradation);
        degraded_[node] = true;
      }
      note(fmt::format("degrade {} (loss {}, +{})", names(fault.nodes),
                       fault.degradation.loss_ratio,
                       format_duration(fault.degradation.extra_latency)));
      break;
    case FaultKind::kRestore:
      for (NodeId node : fault.nodes) {
        network_.restore(node);
        degraded_[node] = false;
      }
      note(fmt::format("restore {}", names(fault.nodes)));
      last_recovery_ = now;
      break;
  }
}

void Nemesis::undo(size_t index) {
  const ResolvedFault& fault = faults_[index];
  switch (fault.kind) {
    case FaultKind::kPartition: {
      std::optional<ActivePartition>& active = partitions_[index];
      if (!active || active->healed) return;
      for (const auto& [from, to] : active->pairs) network_.unblock(from, to);
      active->healed = true;
      note(fmt::format("heal partition of {}", names(fault.groups.front())));
      break;
    }
    case FaultKind::kCrash:
      for (NodeId node : fault.nodes) cluster_.node(node).restart();
      note(fmt::format("restart {}", names(fault.nodes)));
      break;
    case FaultKind::kDegrade:
      for (NodeId node : fault.nodes) {
        network_.restore(node);
        degraded_[node] = false;
      }
      note(fmt::format("restore {}", names(fault.nodes)));
      break;
    default:
      EDGESIM_ASSERT(false, "fault kind {} cannot be undone", int(fault.kind));
  }
  last_recovery_ = loop_.now();
}

void Nemesis::partition(size_t index) {
  const ResolvedFault& fault = faults_[index];
  EDGESIM_ASSERT(fault.groups.size() >= 2, "a partition needs two sides");
  ActivePartition active;
  for (size_t i = 0; i < fault.groups.size(); ++i) {
    for (size_t j = i + 1; j < fault.groups.size(); ++j) {
      for (NodeId a : fault.groups[i]) {
        for (NodeId b : fault.groups[j]) {
          if (a == b) continue;
          active.pairs.emplace_back(a, b);
          if (!fault.one_way) active.pairs.emplace_back(b, a);
        }
      }
    }
  }
  for (const auto& [from, to] : active.pairs) network_.block(from, to);
  partitions_[index] = std::move(active);
  std::vector<std::string> sides;
  for (const auto& group : fault.groups) sides.push_back(fmt::format("{{{}}}", names(group)));
  note(fmt::format("partition{} {}", fault.one_way ? " (one way)" : "", fmt::join(sides, " | ")));
}

void Nemesis::heal_all() {
  bool changed = false;
  for (auto& active : partitions_) {
    if (active && !active->healed) {
      active->healed = true;
      changed = true;
    }
  }
  network_.heal_all();
  if (changed) {
    note("heal all partitions");
    last_recovery_ = loop_.now();
  }
}

void Nemesis::final_heal() {
  heal_all();
  std::vector<NodeId> restarted;
  std::vector<NodeId> restored;
  for (NodeId node = 0; node < cluster_.size(); ++node) {
    if (!cluster_.node(node).up()) {
      cluster_.node(node).restart();
      restarted.push_back(node);
    }
    if (degraded_[node]) {
      network_.restore(node);
      degraded_[node] = false;
      restored.push_back(node);
    }
  }
  if (!restarted.empty()) note(fmt::format("quiet phase: restart {}", names(restarted)));
  if (!restored.empty()) note(fmt::format("quiet phase: restore {}", names(restored)));
  if (!restarted.empty() || !restored.empty()) last_recovery_ = loop_.now();
}

void Nemesis::note(std::string what) {
  log_.push_back(FaultLogEntry{loop_.now(), std::move(what)});
}

std::string Nemesis::names(const std::vector<NodeId>& nodes) const {
  std::vector<std::string> result;
  for (NodeId node : nodes) result.push_back(topology_.pop(node).name);
  return fmt::format("{}", fmt::join(result, ", "));
}

}  // namespace edgesim
