#include "sim/report/summary.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/core/trace_hash.h"

namespace edgesim {
namespace {

std::string ms(int64_t ns) { return format_duration(Duration{ns}); }

std::string link_text(const LinkSpec& spec) {
  std::string text = spec.latency.describe();
  if (spec.jitter.ns > 0) text += fmt::format(" +jitter {}", format_duration(spec.jitter));
  if (spec.loss_ratio > 0) text += fmt::format(", loss {:g}%", spec.loss_ratio * 100);
  if (spec.duplicate_ratio > 0) text += fmt::format(", dup {:g}%", spec.duplicate_ratio * 100);
  if (spec.reorder_ratio > 0) text += fmt::format(", reorder {:g}%", spec.reorder_ratio * 100);
  return text;
}

std::string latency_line(const char* name, const Value& h) {
  if (h.at("count").get<uint64_t>() == 0) return fmt::format("{} -", name);
  return fmt::format("{} p50 {} p90 {} p99 {} max {}", name, ms(h.at("p50").get<int64_t>()),
                     ms(h.at("p90").get<int64_t>()), ms(h.at("p99").get<int64_t>()),
                     ms(h.at("max").get<int64_t>()));
}

// A value's JSON, cut to `max_chars` with "..." (divergent values can be whole sets) at a UTF-8
// character boundary (json_text has replaced bytes that are not UTF-8).
std::string shortened(const Value& value, size_t max_chars = 40) {
  std::string text = value.is_null() ? "absent" : json_text(value);
  if (text.size() <= max_chars) return text;
  size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

// How two values of one key differ, briefly: for lists (sets, multi-values) the elements only one
// holds, for texts where they part, otherwise both values.
std::string value_difference(const Value& a, const Value& b) {
  if (a.is_array() && b.is_array()) {
    const std::set<Value> in_a(a.begin(), a.end()), in_b(b.begin(), b.end());
    Value only_a = Value::array(), only_b = Value::array();
    for (const Value& v : in_a)
      if (in_b.count(v) == 0) only_a.push_back(v);
    for (const Value& v : in_b)
      if (in_a.count(v) == 0) only_b.push_back(v);
    return fmt::format("{} only in the first, {} only in the second", shortened(only_a),
                       shortened(only_b));
  }
  if (a.is_string() && b.is_string()) {
    const std::string& x = a.get_ref<const std::string&>();
    const std::string& y = b.get_ref<const std::string&>();
    const size_t at = std::mismatch(x.begin(), x.end(), y.begin(), y.end()).first - x.begin();
    const size_t from = at < 10 ? 0 : at - 10;
    return fmt::format("texts part at byte {}: {} vs {}", at, shortened(Value(x.substr(from, 30))),
                       shortened(Value(y.substr(from, 30))));
  }
  return fmt::format("{} vs {}", shortened(a), shortened(b));
}

// "{na-1, na-2} | {eu-1}; they differ on 2 keys, e.g. k3: [1,2] vs [1]"
std::string divergence_text(const Value& d) {
  if (!d.contains("groups")) return "";
  std::vector<std::string> groups;
  for (const Value& group : d.at("groups"))
    groups.push_back(fmt::format("{{{}}}", fmt::join(group.get<std::vector<std::string>>(), ", ")));
  std::string text = ": " + fmt::format("{}", fmt::join(groups, " | "));
  const Value& differences = d.at("differences");
  if (differences.empty()) return text;
  const Value& first = differences.front();
  const std::string key = first.at("key").get<std::string>();
  const size_t keys = d.at("keys_differing").get<size_t>();
  text += groups.size() > 2 ? "; the first two differ" : "; they differ";
  const std::string difference = value_difference(first.at("values")[0], first.at("values")[1]);
  if (key.empty()) return text + ": " + difference;
  return text +
         fmt::format(" on {} key{}, e.g. {}: {}", keys, keys == 1 ? "" : "s", key, difference);
}

// One line per check: its verdict and the details a reader needs first. Each takes the check's
// verdict word and its details.
std::string convergence_line(const char* verdict, const Value& d) {
  if (!d.at("converged").get<bool>()) {
    return fmt::format(
        "convergence {}: {} live replicas still hold {} different values at the end{}", verdict,
        d.at("live_replicas").get<int>(), d.at("distinct_values").get<int>(), divergence_text(d));
  }
  return fmt::format(
      "convergence {}: {} live replicas equal {} after the last heal/write (bound {})", verdict,
      d.at("live_replicas").get<int>(), ms(d.at("time_to_converge_ns").get<int64_t>()),
      ms(d.at("within_ns").get<int64_t>()));
}

std::string lost_updates_line(const char* verdict, const Value& d) {
  const std::string bound =
      d.at("max").is_null() ? "report only" : fmt::format("max {}", d.at("max").get<uint64_t>());
  std::string text =
      fmt::format("lost_updates {}: {} of {} acked writes lost to an earlier write ({})", verdict,
                  d.at("count").get<uint64_t>(), d.at("acked_writes").get<uint64_t>(), bound);
  // An example only for a violation: a report-only count is context, not something to chase.
  const Value& examples = d.at("examples");
  if (std::string_view(verdict) != "ok" && !examples.empty()) {
    const Value& e = examples.front();
    text += fmt::format("; e.g. op {} on {}: {}", e.at("lost_op").get<uint64_t>(),
                        e.at("key").get<std::string>(), e.value("what", ""));
  }
  return text;
}

std::string no_lost_writes_line(const char* verdict, const Value& d) {
  const bool counters = d.value("checked_unit", "") == "counters";
  std::string text = fmt::format(
      "no_lost_writes {}: {} of {} {}", verdict, d.at("lost").get<uint64_t>(),
      d.at("checked").get<uint64_t>(),
      counters ? "counters outside their acknowledged increments" : "acknowledged updates lost");
  for (const Value& e : d.at("examples")) {
    // A counter's examples are keys (op 0): no single op is to blame for a total.
    if (counters) {
      text +=
          fmt::format("; {}: {}", e.at("key").get<std::string>(), e.at("what").get<std::string>());
    } else {
      text += fmt::format("; op {} on {}: {}", e.at("op").get<uint64_t>(),
                          e.at("key").get<std::string>(), e.at("what").get<std::string>());
    }
  }
  return text;
}

std::string session_guarantees_line(const char* verdict, const Value& d) {
  std::vector<std::string> counts;
  for (auto it = d.at("violations").begin(); it != d.at("violations").end(); ++it) {
    counts.push_back(fmt::format("{} {}", it.key(), it.value().get<uint64_t>()));
  }
  std::string text = fmt::format("session_guarantees {}: {} sessions; violations: {}", verdict,
                                 d.at("sessions").get<uint64_t>(), fmt::join(counts, ", "));
  if (!d.at("examples").empty()) {
    const Value& e = d.at("examples")[0];
    text += fmt::format("; e.g. {} in session {} on {}: ops {} at {}",
                        e.at("guarantee").get<std::string>(), e.at("session").get<uint64_t>(),
                        e.at("key").get<std::string>(), e.at("ops").dump(), e.at("nodes").dump());
  }
  return text;
}

std::string linearizability_line(const char* verdict, const Value& d) {
  std::string text =
      fmt::format("linearizability {}: {} ({} of {} keys illegal, {} unknown)", verdict,
                  d.at("result").get<std::string>(), d.at("illegal_keys").get<uint64_t>(),
                  d.at("keys").get<uint64_t>(), d.at("unknown_keys").get<uint64_t>());
  if (d.contains("multi_value_reads")) {
    text += fmt::format(
        "; {} reads returned arrays of concurrent values (a multi-value register's), which no "
        "register history holds",
        d.at("multi_value_reads").get<uint64_t>());
  }
  if (!d.contains("smallest")) return text;
  const Value& s = d.at("smallest");
  text += fmt::format("; smallest failing key {} ({} ops): ", s.at("key").get<std::string>(),
                      s.at("ops").get<uint64_t>());
  const Value& blocked = s.at("blocked_ops");
  if (blocked.empty())
    return text + fmt::format("undecided after a prefix of {}", s.at("prefix_ops").get<uint64_t>());
  return text + fmt::format(
                    "after a linearizable prefix of {}, no order places op(s) {} "
                    "(--report DIR draws it)",
                    s.at("prefix_ops").get<uint64_t>(),
                    fmt::join(blocked.get<std::vector<uint64_t>>(), ", "));
}

std::string bounds_line(const char* verdict, const Value& d) {
  std::string text = fmt::format("bounds {}: {} values outside [{}, {}]", verdict,
                                 d.at("violations").get<uint64_t>(),
                                 d.at("min").is_null() ? "-inf" : d.at("min").dump(),
                                 d.at("max").is_null() ? "+inf" : d.at("max").dump());
  for (const Value& e : d.at("examples")) text += "; " + e.get<std::string>();
  return text;
}

std::string claims_line(const char* verdict, const Value& d) {
  std::vector<std::string> parts;
  for (const char* claim : {"read_p99", "write_p99", "convergence"}) {
    if (!d.contains(claim)) continue;
    const Value& c = d.at(claim);
    parts.push_back(fmt::format(
        "{} < {}: {} (measured {})", claim, ms(c.at("claim_ns").get<int64_t>()),
        c.at("met").get<bool>() ? "met" : "NOT met",
        c.at("measured_ns").is_null() ? "never" : ms(c.at("measured_ns").get<int64_t>())));
  }
  return fmt::format("claims {}: {}{}", verdict, fmt::join(parts, "; "),
                     d.at("enforce").get<bool>() ? "" : " (report only)");
}

std::string staleness_line(const char* verdict, const Value& d) {
  const std::string bound = d.at("max_p99_ns").is_null()
                                ? "report only"
                                : "p99 bound " + ms(d.at("max_p99_ns").get<int64_t>());
  std::string text = fmt::format(
      "staleness {}: reads p50 {} p99 {} max {} behind the newest completed update ({})", verdict,
      ms(d.at("p50").get<int64_t>()), ms(d.at("p99").get<int64_t>()),
      ms(d.at("max").get<int64_t>()), bound);
  if (std::string_view(verdict) != "ok" && d.contains("stalest")) {
    const Value& s = d.at("stalest");
    const std::string node = s.at("node").get<std::string>();
    text += fmt::format("; stalest: op {} on {}, begun at {}{}", s.at("op").get<uint64_t>(),
                        s.at("key").get<std::string>(), ms(s.at("call_ns").get<int64_t>()),
                        node.empty() ? "" : " on " + node);
  }
  return text;
}

// "18 clients (kv), one op per ~50ms each, read 50% write 50%, 8 keys (zipf)". The mix is the
// loaded one (a scenario's `mix`, or the type's default; kv's from `read_ratio`).
std::string workload_text(const WorkloadSpec& w) {
  std::vector<std::string> think_times;
  for (Duration think : w.think_times) think_times.push_back("~" + format_duration(think));
  double total = 0;
  for (const auto& [f, weight] : w.mix) total += weight;
  std::vector<std::string> mix;
  for (const auto& [f, weight] : w.mix) {
    if (weight > 0) mix.push_back(fmt::format("{} {:.3g}%", f, 100 * weight / total));
  }
  return fmt::format("{} clients ({}), one op per {} each{}, {}, {} keys ({})", w.clients_count,
                     data_type_name(w.type), fmt::join(think_times, " / "),
                     w.think_times.size() > 1 ? " (dealt in client order)" : "",
                     fmt::join(mix, " "), w.keys_count,
                     w.key_distribution == KeyDistribution::kZipf ? "zipf" : "uniform");
}

std::string check_line(const std::string& name, const CheckOutcome& check) {
  using LineFormat = std::string (*)(const char* verdict, const Value& details);
  static const std::map<std::string_view, LineFormat> kFormats = {
      {"convergence", convergence_line},
      {"lost_updates", lost_updates_line},
      {"no_lost_writes", no_lost_writes_line},
      {"session_guarantees", session_guarantees_line},
      {"linearizability", linearizability_line},
      {"bounds", bounds_line},
      {"claims", claims_line},
      {"staleness", staleness_line},
  };
  const char* verdict = check.ok ? "ok" : "VIOLATED";
  const auto format = kFormats.find(name);
  if (format == kFormats.end())
    return fmt::format("{} {}: {}", name, verdict, check.details.dump());
  return format->second(verdict, check.details);
}

std::string format_bytes(uint64_t bytes) {
  return bytes < 10 * 1024 ? fmt::format("{} B", bytes) : fmt::format("{} KiB", bytes / 1024);
}

}  // namespace

std::string replay_command(const Scenario& scenario, uint64_t seed) {
  return fmt::format("edgesim run {} --seed {}",
                     scenario.path.empty() ? scenario.name : scenario.path, seed);
}

Value summary_json(const Scenario& scenario, const std::vector<RunResult>& results) {
  Value seeds = Value::array();
  bool ok = true;
  for (const RunResult& r : results) {
    Value checks = Value::object();
    for (const auto& [name, check] : r.checks) {
      Value entry = check.details;
      entry["ok"] = check.ok;
      checks[name] = std::move(entry);
    }
    Value faults = Value::array();
    for (const FaultLogEntry& f : r.faults)
      faults.push_back({{"at_ns", f.at.ns}, {"what", f.what}});
    seeds.push_back({{"seed", r.seed},
                     {"trace_hash", hex64(r.trace_hash)},
                     {"ok", r.ok},
                     {"checks", std::move(checks)},
                     {"metrics", r.metrics},
                     {"faults", std::move(faults)}});
    ok = ok && r.ok;
  }
  // The engine as run (after --set), parameters in canonical form (durations in ns): summaries of
  // one scenario with different engines are told apart by this.
  return {{"scenario", scenario.name},
          {"path", scenario.path},
          {"engine", {{"name", scenario.engine.name}, {"params", scenario.engine.params.json()}}},
          {"ok", ok},
          {"seeds", std::move(seeds)}};
}

std::string describe_scenario(const Scenario& scenario) {
  std::string text = fmt::format("scenario {} ({})\n", scenario.name, scenario.path);
  if (!scenario.description.empty()) text += fmt::format("  {}\n", scenario.description);
  std::vector<std::string> regions;
  uint32_t pops = 0;
  for (const RegionSpec& r : scenario.topology.regions) {
    regions.push_back(fmt::format("{} ({} PoPs)", r.name, r.pops_count));
    pops += r.pops_count;
  }
  text += fmt::format("  topology: {} regions, {} PoPs: {}\n", regions.size(), pops,
                      fmt::join(regions, ", "));
  text += fmt::format("    intra-region: {}\n", link_text(scenario.topology.intra_region));
  for (const BackboneLinkSpec& l : scenario.topology.links) {
    text += fmt::format("    {} <-> {}: {}\n", l.a, l.b, link_text(l.spec));
  }
  const ClocksSpec& c = scenario.clocks;
  text += fmt::format(
      "  clocks: skew ±{}, drift ±{:g}ppm{}\n", format_duration(c.skew), double(c.drift_ppb) / 1000,
      c.resync_interval.ns > 0
          ? fmt::format(", resync every {} (±{})", format_duration(c.resync_interval),
                        format_duration(c.resync_accuracy))
          : "");
  text += fmt::format("  engine: {} ({})\n", scenario.engine.name,
                      fmt::join(scenario.engine.params.describe(), ", "));
  text += "  workload: " + workload_text(scenario.workload) + "\n";
  text += fmt::format(
      "  run: {} simulated, faults until {}, then {} quiet\n", format_duration(scenario.duration),
      format_duration(scenario.duration - scenario.quiet), format_duration(scenario.quiet));
  return text;
}

std::string describe_run(const RunResult& r) {
  std::string text =
      fmt::format("seed {}  trace {}  {}\n", r.seed, hex64(r.trace_hash), r.ok ? "PASS" : "FAIL");
  for (const FaultLogEntry& f : r.faults)
    text += fmt::format("  {:>8}  {}\n", format_duration(Duration{f.at.ns}), f.what);
  for (const auto& [name, check] : r.checks) text += "  check " + check_line(name, check) + "\n";
  const Value& m = r.metrics;
  const Value& ops = m.at("ops");
  text += fmt::format("  ops: {} (ok {}, fail {}, info {}); {}; {}\n",
                      ops.at("total").get<uint64_t>(), ops.at("ok").get<uint64_t>(),
                      ops.at("fail").get<uint64_t>(), ops.at("info").get<uint64_t>(),
                      latency_line("read", m.at("latency_ns").at("read")),
                      latency_line("write", m.at("latency_ns").at("write")));
  const Value& n = m.at("network");
  if (m.contains("engine") && !m.at("engine").empty()) {
    std::vector<std::string> parts;
    for (auto it = m.at("engine").begin(); it != m.at("engine").end(); ++it)
      parts.push_back(fmt::format("{} {}", it.key(), it.value().dump()));
    text += fmt::format("  engine: {}\n", fmt::join(parts, ", "));
  }
  text += fmt::format(
      "  network: {} sent, {} delivered, {} duplicated; dropped: {} lost, {} partitioned, {} to "
      "down nodes; {} KiB sent\n",
      n.at("sent").get<uint64_t>(), n.at("delivered").get<uint64_t>(),
      n.at("duplicated").get<uint64_t>(), n.at("dropped_loss").get<uint64_t>(),
      n.at("dropped_partition").get<uint64_t>(), n.at("dropped_down").get<uint64_t>(),
      n.at("bytes_sent").get<uint64_t>() / 1024);
  const Value& storage = m.at("storage");
  const Value& per_replica = storage.at("metadata_bytes_per_replica");
  text += fmt::format(
      "  storage: replication metadata {} per replica (max {}) at the end; "
      "durable store {} after {} writes\n",
      format_bytes(per_replica.at("mean").get<uint64_t>()),
      format_bytes(per_replica.at("max").get<uint64_t>()),
      format_bytes(storage.at("durable_bytes").get<uint64_t>()),
      storage.at("durable_writes").get<uint64_t>());
  return text;
}

}  // namespace edgesim
