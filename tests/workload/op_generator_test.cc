#include "sim/workload/op_generator.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace edgesim {
namespace {

// Runs one set client for `ops` ops, acknowledging every op at once, and counts each op type.
std::map<std::string, int> run_set_client(const std::map<std::string, double>& mix, uint32_t keys,
                                          int ops, std::set<uint64_t>* live = nullptr) {
  OpGenerator generator(DataType::kSet, mix);
  const KeyChooser chooser(keys, KeyDistribution::kUniform, 1.0);
  Prng prng(7);
  std::map<std::string, int> counts;
  for (int id = 0; id < ops; ++id) {
    const GeneratedOp op = generator.next(static_cast<uint64_t>(id), chooser, prng);
    ++counts[op.f];
    if (live != nullptr && op.f == "add") live->insert(op.arg.get<uint64_t>());
    if (live != nullptr && op.f == "remove") {
      EXPECT_EQ(live->erase(op.arg.get<uint64_t>()), 1u)
          << "op " << id << " removes an element it does not hold";
    }
    generator.observe(op.f, op.key, op.arg, Value());
  }
  return counts;
}

// One client on many keys rarely draws a key it has added to; its removes must still run at the
// mix's rate rather than turn into adds.
TEST(OpGenerator, RemovesRunAtTheMixRateWhenTheChosenKeyHoldsNothingOfTheClients) {
  const auto counts = run_set_client({{"add", 0.5}, {"remove", 0.5}}, 1000, 4000);
  EXPECT_GT(counts.at("remove"), 1800);
  EXPECT_LT(counts.at("add"), 2200);
}

TEST(OpGenerator, RemovesNameOnlyElementsTheClientAddedAndHasNotRemoved) {
  std::set<uint64_t> live;
  const auto counts =
      run_set_client({{"add", 0.4}, {"remove", 0.4}, {"read", 0.2}}, 50, 3000, &live);
  EXPECT_GT(counts.at("remove"), 1000);
  EXPECT_EQ(static_cast<int>(live.size()), counts.at("add") - counts.at("remove"));
}

TEST(OpGenerator, ARemoveWithNothingToRemoveIsAnAdd) {
  const auto counts = run_set_client({{"remove", 1.0}}, 10, 1);
  EXPECT_EQ(counts.at("add"), 1);
  EXPECT_EQ(counts.count("remove"), 0u);
}

// One text client editing a local copy of each document (as an engine that applies ops at once
// would): inserts aim within the text it knows and write their op's unique token, deletes aim at
// characters that exist, and reads teach it the length.
TEST(OpGenerator, TextOpsAimWithinTheDocumentTheClientLastSaw) {
  OpGenerator generator(DataType::kText, {{"insert", 0.5}, {"delete", 0.3}, {"read", 0.2}});
  const KeyChooser chooser(3, KeyDistribution::kUniform, 1.0);
  Prng prng(11);
  std::map<std::string, std::string> documents;
  std::map<std::string, int> counts;
  for (uint64_t id = 0; id < 2000; ++id) {
    const GeneratedOp op = generator.next(id, chooser, prng);
    std::string& text = documents[op.key];
    Value out;
    ++counts[op.f];
    if (op.f == "insert") {
      ASSERT_TRUE(op.arg.is_object()) << op.arg.dump();
      const size_t pos = op.arg.at("pos").get<size_t>();
      const std::string& token = op.arg.at("text").get_ref<const std::string&>();
      ASSERT_LE(pos, text.size()) << "op " << id;
      EXPECT_EQ(token, OpGenerator::text_token(id));
      text.insert(pos, token);
    } else if (op.f == "delete") {
      const size_t pos = op.arg.at("pos").get<size_t>();
      const size_t len = op.arg.at("len").get<size_t>();
      ASSERT_GE(len, 1u);
      ASSERT_LE(len, 3u);
      ASSERT_TRUE(text.empty() ? pos == 0 : pos < text.size()) << "op " << id;
      out = text.substr(pos, len);
      text.erase(pos, len);
    } else {
      ASSERT_EQ(op.f, "read");
      out = text;
    }
    generator.observe(op.f, op.key, op.arg, out);
  }
  EXPECT_GT(counts.at("insert"), 800);
  EXPECT_GT(counts.at("delete"), 450);
  EXPECT_GT(counts.at("read"), 300);
}

}  // namespace
}  // namespace edgesim
