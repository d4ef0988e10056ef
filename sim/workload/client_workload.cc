#include "sim/workload/client_workload.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/core/assert.h"

namespace edgesim {

ClientWorkload::ClientWorkload(EventLoop& loop, Cluster& cluster, const Topology& topology,
                               ServiceId service, const WorkloadSpec& spec, const Prng& prng,
                               Instant stop)
    : loop_(loop),
      cluster_(cluster),
      topology_(topology),
      service_(service),
      spec_(spec),
      stop_(stop),
      keys_(spec.keys_count, spec.key_distribution, spec.zipf_exponent),
      tick_kind_(loop.register_kind("client_tick", this)),
      arrive_kind_(loop.register_kind("op_arrive", this)),
      answer_kind_(loop.register_kind("op_answer", this)),
      timeout_kind_(loop.register_kind("op_timeout", this)) {
  const auto& regions = topology.regions();
  EDGESIM_ASSERT(!regions.empty());
  for (uint32_t i = 0; i < spec.clients_count; ++i) {
    const Region& region = regions[i % regions.size()];
    const NodeId pop = region.pops[(i / regions.size()) % region.pops.size()];
    const auto mix = spec.mix.empty() ? default_mix(spec.type) : spec.mix;
    clients_.push_back(Client{pop, i, prng.fork(fmt::format("client/{}", i)),
                              OpGenerator(spec.type, mix, spec.incr_min, spec.incr_max), false});
  }
  // Room for the expected number of ops up front: growing these vectors moved every op again. Think
  // times are random, so a run issues a little more or less than the mean; an eighth more is
  // dozens of standard deviations for any but the tiniest runs.
  if (stop > Instant{spec.start.ns}) {
    double mean = 0;
    for (uint32_t i = 0; i < spec.clients_count; ++i)
      mean += double((stop - Instant{spec.start.ns}).ns) / double(spec.think_time_of(i).ns) + 1;
    const auto expected = static_cast<size_t>(std::min(mean * 1.125 + 64, 1e7));
    history_.reserve(expected);
    ops_.reserve(expected);
  }
  for (uint32_t i = 0; i < clients_.size(); ++i) {
    // Stagger the first ops so clients do not start in lockstep.
    schedule_tick(i,
                  spec.start + Duration{clients_[i].prng.uniform_int(0, spec.think_time_of(i).ns)});
    if (spec.move_every) {
      clients_[i].next_move =
          Instant{spec.start.ns} +
          Duration{int64_t(clients_[i].prng.exponential(double(spec.move_every->ns)))};
    }
  }
}

void ClientWorkload::schedule_tick(uint32_t client, Duration after) {
  for (const Burst& burst : spec_.bursts) {
    const Instant now = loop_.now();
    if (now >= Instant{burst.at.ns} && now < Instant{burst.at.ns} + burst.lasts) {
      after = Duration{after.ns / burst.factor};
    }
  }
  const Instant at = loop_.now() + after;
  if (at >= stop_) return;
  loop_.schedule(at, tick_kind_, client, 0);
}

void ClientWorkload::on_event(const Event& event) {
  if (event.kind == tick_kind_) {
    tick(event.target);
  } else if (event.kind == arrive_kind_) {
    arrive(event.payload);
  } else if (event.kind == answer_kind_) {
    answer(event.payload);
  } else {
    EDGESIM_ASSERT(event.kind == timeout_kind_);
    timeout_pending_ = false;
    expire_timeouts();
  }
}

void ClientWorkload::move_if_due(Client& client) {
  if (loop_.now() < client.next_move) return;
  client.next_move =
      loop_.now() + Duration{int64_t(client.prng.exponential(double(spec_.move_every->ns)))};
  std::vector<NodeId> destinations;
  const uint32_t region = topology_.pop(client.pop).region;
  for (NodeId pop = 0; pop < topology_.pops().size(); ++pop) {
    if (pop == client.pop || (spec_.move_within_region && topology_.pop(pop).region != region))
      continue;
    destinations.push_back(pop);
  }
  if (destinations.empty()) return;  // a region with one PoP: nowhere to go
  client.pop = destinations[client.prng.uniform(destinations.size())];
  ++moves_;
}

ClientWorkload::~ClientWorkload() { release_values(history_); }

void ClientWorkload::tick(uint32_t client_index) {
  Client& client = clients_[client_index];
  EDGESIM_ASSERT(!client.busy, "client {} issued while an op was outstanding", client_index);
  client.busy = true;
  move_if_due(client);
  const OpId id = history_.size();
  // Filled in place: a whole op moved into the history was a move and a destruction of its four
  // strings and three values, for every op.
  HistoryOp& op = history_.emplace_back();
  op.id = id;
  op.proc = client.proc;
  op.call = loop_.now().ns;
  client.generator.next_into(id, keys_, client.prng, op.f, op.key, op.arg);
  op.node = topology_.pop(client.pop).name;
  op.session = client_index;
  InFlight& flight = ops_.emplace_back();
  flight.client = client_index;
  flight.pop = client.pop;
  deadlines_.push_back(id);
  schedule_next_timeout();
  const Duration access = spec_.access_latency.sample(client.prng);
  loop_.schedule(loop_.now() + access, arrive_kind_, client_index, id);
}

void ClientWorkload::arrive(OpId id) {
  InFlight& flight = ops_[id];
  last_arrival_ = loop_.now();
  HistoryOp& record = history_[id];
  // The argument is lent to the op for the call (swapped in and back) rather than copied: the
  // engine sees it only through `const Op&` while on_op runs.
  Op op{id, record.f, record.key, nullptr};
  op.arg.swap(record.arg);
  const bool accepted = cluster_.node(flight.pop).submit(service_, op);
  record.arg.swap(op.arg);
  if (!accepted) on_complete(flight.pop, service_, id, Result::failure("node down"));
}

void ClientWorkload::on_complete(NodeId node, ServiceId service, OpId id, Result&& result) {
  EDGESIM_ASSERT(service == service_);
  EDGESIM_ASSERT(id < ops_.size(), "completion of unknown op {}", id);
  InFlight& flight = ops_[id];
  Client& client = clients_[flight.client];
  EDGESIM_ASSERT(node == flight.pop, "op {} answered by {} but sent to {}", id, node, flight.pop);
  // Swapped rather than moved: a moved Value is built, swapped and destroyed all over again.
  flight.result.ok = result.ok;
  flight.result.value.swap(result.value);
  flight.result.error.swap(result.error);
  const Duration access = spec_.access_latency.sample(client.prng);
  loop_.schedule(loop_.now() + access, answer_kind_, flight.client, id);
}

void ClientWorkload::answer(OpId id) {
  InFlight& flight = ops_[id];
  if (!flight.open) return;  // already timed out: the client stopped listening
  HistoryOp& op = history_[id];
  op.ret = loop_.now().ns;
  op.status = flight.result.ok ? OpStatus::kOk : OpStatus::kFail;
  // Swapped, not copied: a read of a set or a document returns a large value, and the flight is
  // done with it.
  if (flight.result.ok) {
    op.out.swap(flight.result.value);
  } else {
    op.out = std::move(flight.result.error);
  }
  Histogram& latency = std::string_view(op.f) == "read" ? read_latency_ : write_latency_;
  if (flight.result.ok) {
    latency.record(*op.ret - op.call);
    clients_[flight.client].generator.observe(op.f, op.key, op.arg, op.out);
  }
  finish(id);
}

void ClientWorkload::expire_timeouts() {
  while (!deadlines_.empty()) {
    const OpId id = deadlines_.front();
    InFlight& flight = ops_[id];
    if (flight.open) {
      if (Instant{history_[id].call} + spec_.timeout > loop_.now())
        break;  // the oldest open op's time is not up
      history_[id].status = OpStatus::kInfo;
      // A hung client is replaced by a fresh process, so each process has one op outstanding.
      clients_[flight.client].proc += clients_.size();
      finish(id);
    }
    deadlines_.pop_front();
  }
  schedule_next_timeout();
}

void ClientWorkload::schedule_next_timeout() {
  if (timeout_pending_) return;
  // Ops answered already need no timeout: drop them from the front.
  while (!deadlines_.empty() && !ops_[deadlines_.front()].open) deadlines_.pop_front();
  if (deadlines_.empty()) return;
  loop_.schedule(Instant{history_[deadlines_.front()].call} + spec_.timeout, timeout_kind_, 0, 0);
  timeout_pending_ = true;
}

void ClientWorkload::finish(OpId id) {
  InFlight& flight = ops_[id];
  flight.open = false;
  Client& client = clients_[flight.client];
  client.busy = false;
  const auto think =
      static_cast<int64_t>(client.prng.exponential(double(spec_.think_time_of(flight.client).ns)));
  schedule_tick(flight.client, Duration{think});
}

}  // namespace edgesim
