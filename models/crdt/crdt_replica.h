#pragma once
// CrdtReplica<T>: a replica of a keyed CRDT store, with the sync modes of sync_options.h, causal
// stability tracking and crash recovery. Header-only because it is a template over the type.
//
// Causal stability (causal_stability.h): every message carries the sender's version vector (how
// many ops of each replica its state includes). Each sync round takes, over this replica and the
// last vectors heard from its peers, the pointwise minimum of the durable vectors (the stable
// frontier) and the join of all (the horizon); the two-phase rule there decides from them what
// compaction may collect. Delta sync's groups wait in a DeltaBuffer (delta_buffer.h).
//
// Stability counts only what every replica holds durably. A replica advertises, besides its
// version vector, the vector of its durable state: its last snapshot's plus its own logged ops
// (or nil: the same vector, when no remote merge changed the state since the snapshot). Were a
// replica's merges counted before they are durable, a crash could lose a delete that peers then
// collect as stable, and the restarted replica would keep the deleted element forever: the full
// states it is sent no longer mention it.
//
// Durability (crdt_journal.h): each local op is appended to a write-ahead log in the durable store
// before it is acknowledged, and each remote merge that changed the state after it. When the log
// is long enough (`snapshot_every` records and `snapshot_log_percent`% of the last snapshot's
// bytes), and every few sync rounds after remote merges, the whole state is snapshotted and the
// log truncated. Restart = snapshot + log replay, then compaction up to the frontier it had
// collected to (persisted), since replayed merges can bring back what it had collected. Its delta
// bookkeeping does not survive a restart, so every restart begins a new incarnation (persisted),
// carried in every message, and peers that see a new incarnation forget what it had acknowledged
// and send it full state again. A delta group names the ack it builds on, and a replica
// acknowledges only groups built on what it merged in this incarnation: otherwise its ack of a
// group sent before the sender heard of the restart would stand in for the full state. Delta
// sequence numbers carry the incarnation in their high bits, so an acknowledgement from before a
// crash cannot pass for one of a later delta.

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "models/crdt/causal_stability.h"
#include "models/crdt/crdt_journal.h"
#include "models/crdt/delta_buffer.h"
#include "models/crdt/keyed_crdt.h"
#include "models/crdt/sync_options.h"
#include "sim/core/assert.h"
#include "sim/engine/registry.h"

namespace edgesim::models {

// Every CRDT message is a MessagePack array: [type, incarnation, version vector, durable version
// vector or nil (= the version vector), hlc wall, hlc logical, body...]. Bodies: digest [digest];
// state [state, seq, reply, digest]; delta [group, seq of its last delta, base: the seq
// acknowledged before it]; ack [seq]; heartbeat []. A delta group that does not bring the peer up
// to the sender's vector carries an empty vector.
enum class CrdtMessage : uint8_t { kDigest, kState, kDelta, kAck, kHeartbeat };
constexpr uint32_t kCrdtBody = 6;  // index of the first body field

template <CrdtType T>
class CrdtReplica final : public Replica {
 public:
  // `reader` parses received messages; the engine shares one among its replicas (WireReader).
  CrdtReplica(const SyncOptions& options, std::shared_ptr<WireReader> reader)
      : options_(options),
        journal_(options.snapshot_every, options.snapshot_log_percent),
        reader_(std::move(reader)) {}

  void on_start(NodeContext& context) override {
    journal_.recover(context.durable(), context.self(), state_, vv_, hlc_);
    // Merges replayed from the log can bring back what this replica had collected since its
    // snapshot (RGA's tombstones): collect it again at once, up to the frontier it had reached.
    if (const std::optional<std::string> collected = context.durable().get(kCollectedKey)) {
      collected_ = VersionVector::unpack(WireMessage(*collected).root());
      state_.compact(collected_);
    }
    durable_vv_ = vv_;
    ++version_;
    const std::optional<std::string> stored = context.durable().get("incarnation");
    incarnation_ = stored ? std::stoull(*stored) + 1 : 1;
    context.durable().put("incarnation", std::to_string(incarnation_));
    deltas_.restart(incarnation_ << 32);
    sync_timer_ = context.start_timer(options_.interval);
  }

  void on_op(NodeContext& context, const Op& op) override {
    if (op.is("read")) {
      T unused;
      context.complete(
          op.id, state_.apply(op, CrdtStamp{context.self(), vv_.get(context.self()), hlc_.last()},
                              unused));
      return;
    }
    const CrdtStamp stamp{context.self(), vv_.get(context.self()) + 1, hlc_.now(context.now())};
    T delta;
    Result result = state_.apply(op, stamp, delta);
    if (result.ok) {
      vv_.set(context.self(), stamp.counter);
      durable_vv_.set(context.self(), stamp.counter);  // logged before it is acknowledged
      ++version_;
      if (journal_.log(context.durable(), op.key, delta, stamp)) snapshot(context);
      if (options_.mode == SyncMode::kDelta) open_.absorb(op.key, delta);
    }
    context.complete(op.id, std::move(result));
  }

  void on_message(NodeContext& context, NodeId from, std::string_view payload) override {
    const WireMessage parsed(payload, *reader_);
    const WireObject& message = parsed.root();
    const auto type = static_cast<CrdtMessage>(wire_u64(wire_at(message, 0)));
    const uint64_t incarnation = wire_u64(wire_at(message, 1));
    uint64_t& known = peer_incarnation_[from];
    if (incarnation < known) return;  // from before the peer's last restart
    if (incarnation > known) {
      known = incarnation;
      acks_.erase(from);      // it restarted: it may have lost what it acknowledged
      received_.erase(from);  // and numbers its deltas afresh
    }
    hlc_.update(context.now(), unpack_hlc(message, 4));
    PeerVectors& vectors = peer_vectors_[from];
    vectors.vv = VersionVector::unpack(wire_at(message, 2));
    const WireObject& durable = wire_at(message, 3);
    vectors.durable =
        durable.is_nil() ? std::nullopt : std::optional(VersionVector::unpack(durable));
    switch (type) {
      case CrdtMessage::kDigest:
        if (wire_u64(wire_at(message, kCrdtBody)) != state_.digest())
          send_state(context, from, /*reply=*/true);
        return;
      case CrdtMessage::kState:
      case CrdtMessage::kDelta:
        receive(context, from, type, message, payload);
        return;
      case CrdtMessage::kAck: {
        uint64_t& acked = acks_[from];
        acked = std::max(acked, wire_u64(wire_at(message, kCrdtBody)));
        return;
      }
      case CrdtMessage::kHeartbeat:
        return;
    }
    EDGESIM_ASSERT(false, "unknown crdt message type {}", static_cast<int>(type));
  }

  void on_timer(NodeContext& context, TimerId timer) override {
    if (timer != sync_timer_) return;
    compact(context);
    // Sealing only at the start of a round keeps every group sent complete: nothing this
    // replica's version vector covers is left behind in an open group when it sends.
    if (!open_.empty()) {
      deltas_.seal(std::move(open_), options_.max_buffer);
      open_ = KeyedCrdt<T>{};
    }
    const std::vector<NodeId>& peers = context.peers();
    if (options_.mode == SyncMode::kDelta && !options_.relay) {
      push_own_deltas(context, peers);
    } else {
      const size_t others = peers.size() - 1;
      for (uint32_t i = 0; i < options_.fanout && i < others; ++i)
        sync_with(context, next_gossip_peer(context));
    }
    deltas_.end_round();
    if (journal_.has_unsnapshotted_merges() && ++quiet_rounds_ % 8 == 0) snapshot(context);
    sync_timer_ = context.start_timer(options_.interval);
  }

  void on_crash() override {
    state_ = KeyedCrdt<T>{};
    open_ = KeyedCrdt<T>{};
    vv_ = VersionVector{};
    durable_vv_ = VersionVector{};
    hlc_ = Hlc{};
    deltas_.restart(0);  // on_start numbers the next incarnation's groups
    acks_.clear();
    received_.clear();
    peer_vectors_.clear();
    peer_incarnation_.clear();
    stability_ = CausalStability{};
    collected_ = VersionVector{};
    sync_timer_ = 0;
    turn_.reset();
    gossip_order_.clear();
    gossip_next_ = 0;
    ++version_;
  }

  Value observe() const override { return state_.observe(); }
  std::optional<uint64_t> observe_version() const override { return version_; }
  std::optional<uint64_t> observe_digest() const override { return state_.observed_digest(); }

  uint64_t metadata_bytes() const override {
    uint64_t total = state_.metadata_bytes() + vv_.entries().size() * 16 + acks_.size() * 16 +
                     stability_.metadata_bytes();
    for (const auto& [peer, vectors] : peer_vectors_) {
      total += (vectors.vv.entries().size() +
                (vectors.durable ? vectors.durable->entries().size() : 0)) *
               16;
    }
    return total + deltas_.metadata_bytes() + open_.metadata_bytes();
  }

  Value stats() const override {
    return Value{{"buffered_groups", deltas_.size()},
                 {"open_group_keys", open_.entries().size()},
                 {"buffered_metadata_bytes", deltas_.metadata_bytes()},
                 {"state_metadata_bytes", state_.metadata_bytes()},
                 {"gc_epochs", stability_.pending_rounds()}};
  }

  const KeyedCrdt<T>& state() const { return state_; }

 private:
  // The vectors a peer last sent: its version vector, and its durable one if different.
  struct PeerVectors {
    VersionVector vv;
    std::optional<VersionVector> durable;
    const VersionVector& durable_or_vv() const { return durable ? *durable : vv; }
  };

  // Sends [header..., body...]; `body(packer)` writes `body_fields` fields. `with_vector` false
  // sends an empty version vector.
  template <typename Body>
  void send(NodeContext& context, NodeId to, CrdtMessage type, uint32_t body_fields, Body&& body,
            bool with_vector = true) {
    context.send(to, wire_encode([&](Packer& out) {
                   out.pack_array(kCrdtBody + body_fields);
                   out.pack_uint8(static_cast<uint8_t>(type));
                   out.pack_uint64(incarnation_);
                   if (!with_vector) {
                     VersionVector{}.pack(out);
                     out.pack_nil();
                   } else {
                     vv_.pack(out);
                     if (journal_.has_unsnapshotted_merges()) {
                       durable_vv_.pack(out);
                     } else {
                       out.pack_nil();
                     }
                   }
                   pack_hlc(out, hlc_.last());
                   body(out);
                 }));
  }

  void send_state(NodeContext& context, NodeId to, bool reply) {
    send(context, to, CrdtMessage::kState, 4, [&](Packer& out) {
      state_.pack(out);
      out.pack_uint64(deltas_.last_seq());
      out.pack(reply);
      out.pack_uint64(state_.digest());
    });
  }

  // Unrelayed deltas reach a peer only from their origin, so every peer still missing some of
  // this replica's groups gets them each round (a peer that already has them costs nothing), and
  // `fanout` up-to-date peers in turn get a heartbeat with our vector, for causal stability.
  void push_own_deltas(NodeContext& context, const std::vector<NodeId>& peers) {
    for (NodeId peer : peers) {
      if (peer != context.self() && acked_by(peer) < deltas_.last_seq()) send_deltas(context, peer);
    }
    if (!turn_) turn_ = context.prng().uniform(peers.size());
    for (uint32_t i = 0; i < options_.fanout && i + 1 < peers.size(); ++i) {
      NodeId peer = peers[(*turn_)++ % peers.size()];
      if (peer == context.self()) peer = peers[(*turn_)++ % peers.size()];
      if (acked_by(peer) >= deltas_.last_seq()) send_deltas(context, peer);
    }
  }

  // The next peer for a round of state, digest or relayed-delta sync: the others in turn, in an
  // order shuffled anew for each pass (SWIM's randomized round-robin). Every peer hears from this
  // replica once per pass of ceil(others / fanout) rounds. Drawing `fanout` peers at random each
  // round (self included, and skipped) left a peer unvisited for many rounds now and then: after a
  // heal, that was the tail of state sync's time to converge.
  NodeId next_gossip_peer(NodeContext& context) {
    if (gossip_next_ == gossip_order_.size()) {
      gossip_order_.clear();
      for (NodeId peer : context.peers()) {
        if (peer != context.self()) gossip_order_.push_back(peer);
      }
      EDGESIM_ASSERT(!gossip_order_.empty(), "gossip needs a peer");
      for (size_t i = gossip_order_.size(); i > 1; --i)
        std::swap(gossip_order_[i - 1], gossip_order_[context.prng().uniform(i)]);
      gossip_next_ = 0;
    }
    return gossip_order_[gossip_next_++];
  }

  uint64_t acked_by(NodeId peer) const {
    const auto it = acks_.find(peer);
    return it == acks_.end() ? 0 : it->second;
  }

  void sync_with(NodeContext& context, NodeId peer) {
    switch (options_.mode) {
      case SyncMode::kState:
        send_state(context, peer, false);
        return;
      case SyncMode::kDigest:
        send(context, peer, CrdtMessage::kDigest, 1,
             [&](Packer& out) { out.pack_uint64(state_.digest()); });
        return;
      case SyncMode::kDelta:
        send_deltas(context, peer);
        return;
    }
  }

  void send_deltas(NodeContext& context, NodeId peer) {
    const uint64_t acked = acked_by(peer);
    if (acked + 1 < deltas_.first_seq()) {
      send_state(context, peer, false);  // the peer fell behind what the buffer still holds
      return;
    }
    if (acked >= deltas_.last_seq()) {
      // Up to date: still share our version vector.
      send(context, peer, CrdtMessage::kHeartbeat, 0, [](Packer&) {});
      return;
    }
    // Everything unacknowledged goes every round, at most `batch` groups per message: a batch caps
    // a message's size, not how fast a peer catches up (one message per round left a peer that
    // was away for many rounds behind for as many rounds again, or for good while ops continued).
    // Each message names the group before its first as its base, so a receiver that missed an
    // earlier message of the round merges a later one without acknowledging past the gap.
    deltas_.for_each_batch_after(
        acked, options_.batch, [&](const std::string& packed, uint64_t last, uint64_t base) {
          send(
              context, peer, CrdtMessage::kDelta, 3,
              [&](Packer& out) {
                pack_packed(out, packed);
                out.pack_uint64(last);
                out.pack_uint64(base);
              },
              // Only a complete group brings the peer up to our version vector.
              /*with_vector=*/last == deltas_.last_seq());
        });
  }

  // `message` is `payload` parsed.
  void receive(NodeContext& context, NodeId from, CrdtMessage type, const WireObject& message,
               std::string_view payload) {
    const WireObject& incoming = wire_at(message, kCrdtBody);
    const uint64_t seq = wire_u64(wire_at(message, kCrdtBody + 1));
    const uint64_t digest_before = options_.mode == SyncMode::kDigest ? state_.digest() : 0;
    // A delta group is built on what the receiver acknowledged (`base`). If this replica has not
    // merged everything up to it (it restarted since, and numbers what it received afresh), the
    // group is still merged but neither acknowledged nor trusted for its vector: the sender,
    // learning the new incarnation, falls back to the full state.
    uint64_t& received = received_[from];
    const bool contiguous =
        type == CrdtMessage::kState || wire_u64(wire_at(message, kCrdtBody + 2)) <= received;
    // Only a relaying replica needs to know what exactly changed.
    const bool relaying = options_.mode == SyncMode::kDelta && options_.relay;
    bool changed = false;
    if (relaying) {
      KeyedCrdt<T> inflation;
      changed = state_.join_packed(incoming, &inflation);
      if (changed) open_.absorb(inflation);
    } else {
      changed = state_.join_packed(incoming, nullptr);
    }
    if (changed) {
      // The first merge since the snapshot. The vector announced as durable stays the one
      // before it: a restart replays logged merges, but its recovered vector does not cover them.
      if (!journal_.has_unsnapshotted_merges()) durable_vv_ = vv_;
      journal_.log_remote_merge(context.durable(), payload, kCrdtBody);
      ++version_;
    }
    if (contiguous) {
      received = std::max(received, seq);
      learn_vector(from, type);
    }
    if (options_.mode == SyncMode::kDelta && contiguous) {
      send(context, from, CrdtMessage::kAck, 1, [&](Packer& out) { out.pack_uint64(seq); });
    }
    if (type != CrdtMessage::kState) return;
    // Digest mode: answer back if we held something the other side lacked.
    const bool reply = wire_bool(wire_at(message, kCrdtBody + 2));
    const uint64_t their_digest = wire_u64(wire_at(message, kCrdtBody + 3));
    if (reply && digest_before != their_digest && state_.digest() != their_digest)
      send_state(context, from, false);
  }

  // What merging a state or a complete delta group from `from` brought this replica up to. A
  // state carries everything its sender had; so does a delta group when deltas are relayed. An
  // unrelayed group carries only its sender's own ops.
  void learn_vector(NodeId from, CrdtMessage type) {
    const VersionVector& theirs = peer_vectors_[from].vv;
    if (type == CrdtMessage::kState || options_.relay) {
      vv_.merge(theirs);
    } else if (theirs.get(from) > vv_.get(from)) {
      vv_.set(from, theirs.get(from));
    }
  }

  void compact(NodeContext& context) {
    // The stable frontier (the minimum of the durable vectors) and the horizon (the join of all
    // vectors) of this round; causal_stability.h says what they decide.
    VersionVector stable = journal_.has_unsnapshotted_merges() ? durable_vv_ : vv_;
    VersionVector horizon = vv_;
    for (NodeId peer : context.peers()) {
      if (peer == context.self()) continue;
      auto it = peer_vectors_.find(peer);
      stable =
          it == peer_vectors_.end() ? VersionVector{} : stable.meet(it->second.durable_or_vv());
      if (it != peer_vectors_.end()) horizon.merge(it->second.vv);
    }
    const VersionVector& collectible = stability_.advance(stable, horizon);
    state_.compact(collectible);
    if (!(collectible == collected_)) {  // kept durably for a restart (on_start)
      collected_ = collectible;
      context.durable().put(kCollectedKey, wire_encode([&](Packer& out) { collected_.pack(out); }));
    }
    // Deltas every peer acknowledged are no longer needed.
    uint64_t all_acked = deltas_.last_seq();
    for (NodeId peer : context.peers()) {
      if (peer != context.self()) all_acked = std::min(all_acked, acked_by(peer));
    }
    deltas_.drop_through(all_acked);
  }

  void snapshot(NodeContext& context) {
    journal_.snapshot(context.durable(), state_, vv_, hlc_.last());
    durable_vv_ = vv_;
  }

  SyncOptions options_;
  KeyedCrdt<T> state_;
  KeyedCrdt<T> open_;  // delta mode: local deltas and inflations since the last sealed group
  VersionVector vv_;
  // The vector of the durable state (snapshot + logged own ops); vv_ itself while
  // !journal_.has_unsnapshotted_merges().
  VersionVector durable_vv_;
  Hlc hlc_;
  DeltaBuffer<T> deltas_;  // delta mode: sealed groups until every peer acknowledges them
  std::map<NodeId, uint64_t> acks_;
  std::map<NodeId, uint64_t> received_;  // per peer: its seq up to which all it sent is merged here
  std::map<NodeId, PeerVectors> peer_vectors_;
  std::map<NodeId, uint64_t> peer_incarnation_;
  CausalStability stability_;
  VersionVector collected_;  // the frontier compaction last collected up to, persisted
  inline static const std::string kCollectedKey = "collected";
  uint64_t incarnation_ = 0;  // restarts of this replica, persisted
  TimerId sync_timer_ = 0;
  std::optional<uint64_t> turn_;  // push_own_deltas()' heartbeat round-robin position, once started
  std::vector<NodeId> gossip_order_;  // next_gossip_peer()'s current pass
  size_t gossip_next_ = 0;            // its position in the pass
  CrdtJournal<T> journal_;
  uint32_t quiet_rounds_ = 0;
  std::shared_ptr<WireReader> reader_;
  uint64_t version_ = 0;  // state changes (observe_version); compaction does not change observe()
};

template <CrdtType T>
class CrdtEngine final : public Engine {
 public:
  explicit CrdtEngine(const SyncOptions& options) : options_(options) {}
  std::unique_ptr<Replica> make_replica(NodeId) override {
    return std::make_unique<CrdtReplica<T>>(options_, reader_);
  }

 private:
  SyncOptions options_;
  std::shared_ptr<WireReader> reader_ = std::make_shared<WireReader>();
};

template <CrdtType T>
EngineInfo crdt_engine_info(std::string name, std::string help,
                            std::vector<std::string> workloads = {}) {
  EngineInfo info;
  info.name = std::move(name);
  info.help = std::move(help);
  info.workloads = std::move(workloads);
  info.params = sync_param_specs();
  info.factory = [](const EngineParams& params) -> std::unique_ptr<Engine> {
    return std::make_unique<CrdtEngine<T>>(sync_options_from(params));
  };
  return info;
}

}  // namespace edgesim::models
