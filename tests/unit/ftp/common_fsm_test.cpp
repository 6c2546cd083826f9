// Properties every operation FSM shares (SessionOpBase): the runner contract holds for any
// sequence of events, every wait is bounded by a deadline, and a cancel always ends the
// operation. Plus the printable names of events, actions and phases.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <random>

#include "fsm_test_util.hpp"
#include "ftp/etget_fsm.hpp"
#include "ftp/etput_fsm.hpp"
#include "ftp/extget_fsm.hpp"
#include "ftp/extput_fsm.hpp"
#include "ftp/get_fsm.hpp"
#include "ftp/list_fsm.hpp"
#include "ftp/put_fsm.hpp"
#include "ftp/single_reply_fsm.hpp"

namespace sim7080::ftp::test {
namespace {

TEST(FsmNames, EventsActionsAndPhasesArePrintable) {
  for (int i = 0; i <= static_cast<int>(EventType::link_lost); ++i) {
    EXPECT_STRNE(to_string(static_cast<EventType>(i)), "?") << i;
  }
  for (int i = 0; i <= static_cast<int>(ActionType::done); ++i) {
    EXPECT_STRNE(to_string(static_cast<ActionType>(i)), "?") << i;
  }
  using P = SessionOpBase::Phase;
  for (auto p : {P::running, P::draining, P::quitting, P::awaiting_final, P::cleaning_up, P::finished}) {
    EXPECT_STRNE(to_string(p), "?");
  }
  EXPECT_STREQ(to_string(EventType::go_ahead), "go_ahead");
  EXPECT_STREQ(to_string(ActionType::write_data), "write_data");
}

// One FSM under test with everything it needs to live.
struct Subject {
  std::string name;
  std::unique_ptr<ScriptedSource> source;
  std::unique_ptr<SessionOpBase> fsm;
};

using Factory = std::function<Subject()>;

std::vector<std::pair<std::string, Factory>> all_fsms() {
  auto with_source = [](std::string name, auto make) {
    return std::pair<std::string, Factory>{name, [name, make] {
      Subject s{name, std::make_unique<ScriptedSource>(pattern(9000), 1000), nullptr};
      s.fsm = make(*s.source);
      return s;
    }};
  };
  auto plain = [](std::string name, auto make) {
    return std::pair<std::string, Factory>{name, [name, make] { return Subject{name, nullptr, make()}; }};
  };
  return {
      plain("GetFsm", [] { return std::make_unique<GetFsm>(std::uint64_t{100}); }),
      plain("ListFsm", [] { return std::make_unique<ListFsm>(); }),
      plain("ExtGetFsm", [] { return std::make_unique<ExtGetFsm>(); }),
      plain("EtGetFsm", [] { return std::make_unique<EtGetFsm>(); }),
      with_source("PutFsm", [](ByteSource& s) { return std::make_unique<PutFsm>(s); }),
      with_source("ExtPutFsm", [](ByteSource& s) { return std::make_unique<ExtPutFsm>(s); }),
      with_source("EtPutFsm", [](ByteSource& s) { return std::make_unique<EtPutFsm>(s); }),
      plain("SizeFsm", [] { return std::make_unique<SingleReplyFsm>(CommandId::ftpsize); }),
      plain("MdtmFsm", [] { return std::make_unique<SingleReplyFsm>(CommandId::ftpmdtm); }),
      plain("DeleFsm", [] { return std::make_unique<SingleReplyFsm>(CommandId::ftpdele); }),
  };
}

// Feeds events and checks the contract after each; unlike FsmDriver it accepts any event order
// (a fuzzer's), so it only feeds command_done when a command is in flight, as the channel does.
class Checker {
 public:
  explicit Checker(Fsm& fsm) : fsm_(fsm) {}

  void feed(const Event& ev) {
    Actions out;
    if (ev.type == EventType::command_done) --in_flight_;
    if (ev.type == EventType::deadline) armed_ = false;
    if (ev.type == EventType::start) started_ = true;
    const bool was_done = done_;
    fsm_.resume(ev, out);
    ASSERT_LT(out.size(), Actions::capacity);
    std::size_t writes = 0;
    for (const auto& a : out) {
      ASSERT_FALSE(done_) << "action after done";
      switch (a.type) {
        case ActionType::send: ++in_flight_; break;
        case ActionType::write_data: ++writes; break;
        case ActionType::arm_deadline: armed_ = true; break;
        case ActionType::disarm_deadline: armed_ = false; break;
        case ActionType::done:
          if (ev.type != EventType::link_lost) {
            ASSERT_EQ(in_flight_, 0) << "done with a command in flight";
          }
          done_ = true;
          break;
        default: break;
      }
    }
    if ((ev.type == EventType::go_ahead || ev.type == EventType::stream_chunk) && !was_done) {
      ASSERT_EQ(writes, 1u) << "data request not answered exactly once";
    } else {
      ASSERT_EQ(writes, 0u);
    }
    // No unbounded wait: idle (nothing in flight) and not done means a deadline is armed.
    if (started_ && !done_ && in_flight_ == 0) {
      ASSERT_TRUE(armed_) << "waiting without a deadline in " << fsm_.state_name() << " after "
                          << to_string(ev.type) << " " << ev.line;
    }
  }

  bool done() const noexcept { return done_; }
  int in_flight() const noexcept { return in_flight_; }
  bool armed() const noexcept { return armed_; }

 private:
  Fsm& fsm_;
  int in_flight_ = 0;
  bool armed_ = false;
  bool started_ = false;
  bool done_ = false;
};

std::vector<std::string> line_pool(std::string_view prefix) {
  const std::string p(prefix);
  return {p + ": 1,1", p + ": 1,0", p + ":1,0", p + ": 1,64", p + ": 1,80", p + ": 1,1,1360", p + ": 1,1,100",
          p + ": 1,0,1024", p + ": 1,0,20140409060951", p + ": 2,10", p + ": 2,0", p + ": 3,10", p + ": 3,0",
          p + ": 1,5", p + ": 0,0", p + ": x", p + ": 1", "+FTPSTATE: 1", "+FTPSTATE: 0", "+FTPPUT: 1,0", "garbage"};
}

TEST(FsmContract, RandomEventSequencesKeepTheRunnerContractAndEnd) {
  const std::string bytes = pattern(64);
  for (const auto& [name, make] : all_fsms()) {
    SCOPED_TRACE(name);
    for (unsigned seed = 1; seed <= 400; ++seed) {
      SCOPED_TRACE(seed);
      std::mt19937 rng(seed);
      auto subject = make();
      auto& fsm = *subject.fsm;
      Checker c(fsm);
      const auto pool = line_pool(fsm.urc_prefixes()[0]);
      const auto ecs = std::vector<std::error_code>{{}, {}, {}, make_error_code(AtErrc::error_result),
                                                    make_error_code(AtErrc::protocol_error),
                                                    make_error_code(AtErrc::timeout), make_cme_error(604)};
      c.feed(Event{EventType::start});
      const int steps = static_cast<int>(rng() % 60);
      for (int i = 0; i < steps && !c.done() && !HasFatalFailure(); ++i) {
        Event ev;
        const auto& line = pool[rng() % pool.size()];
        switch (rng() % 12) {
          case 0:
          case 1:
            if (c.in_flight() == 0) continue;
            ev.type = EventType::command_done;
            ev.ec = ecs[rng() % ecs.size()];
            break;
          case 2: ev = Event{EventType::reply_line, {}, line}; break;
          case 3:
          case 4: ev = Event{EventType::urc, {}, line}; break;
          case 5:
            ev.type = EventType::payload;
            ev.bytes = as_bytes(bytes).first(rng() % bytes.size());
            break;
          case 6: ev.type = EventType::payload_end; break;
          case 7:
            ev.type = EventType::go_ahead;
            ev.count = rng() % 5000;
            break;
          case 8: ev.type = EventType::stream_chunk; break;
          case 9: ev.type = EventType::deadline; break;
          case 10:
            if (rng() % 4 != 0) continue;
            ev.type = EventType::cancel;
            break;
          case 11:
            if (rng() % 8 != 0) continue;
            ev.type = EventType::link_lost;
            ev.ec = make_error_code(AtErrc::modem_restarted);
            break;
        }
        c.feed(ev);
      }
      ASSERT_FALSE(HasFatalFailure());
      // Liveness: after a cancel, completing commands and firing deadlines ends the operation.
      c.feed(Event{EventType::cancel});
      for (int i = 0; i < 30 && !c.done() && !HasFatalFailure(); ++i) {
        if (c.in_flight() > 0) {
          c.feed(Event{EventType::command_done});
        } else {
          c.feed(Event{EventType::deadline});
        }
      }
      ASSERT_TRUE(c.done()) << fsm.state_name();
      ASSERT_TRUE(fsm.finished());
      ASSERT_TRUE(fsm.result().has_value());
    }
  }
}

TEST(FsmContract, EveryFsmCompletesACancelBeforeStartWithOperationAborted) {
  for (const auto& [name, make] : all_fsms()) {
    SCOPED_TRACE(name);
    auto subject = make();
    FsmDriver d(*subject.fsm);
    EXPECT_EQ(d.cancel(), Lines{done_aborted()});
    EXPECT_EQ(d.start(), Lines{});
    EXPECT_EQ(subject.fsm->result(), std::error_code(asio::error::operation_aborted));
    EXPECT_EQ(subject.fsm->state_name(), name + ":done");
  }
}

TEST(FsmContract, EveryFsmEndsAtOnceOnLinkLossWithItsError) {
  for (const auto& [name, make] : all_fsms()) {
    SCOPED_TRACE(name);
    auto subject = make();
    FsmDriver d(*subject.fsm);
    const auto first = d.start();
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(d.link_lost(make_error_code(TransportErrc::port_vanished)),
              Lines{done(make_error_code(TransportErrc::port_vanished))});
    EXPECT_EQ(d.urc(std::string(subject.fsm->urc_prefixes()[0]) + ": 1,0"), Lines{});
  }
}

}  // namespace
}  // namespace sim7080::ftp::test
