#include "g2p/word_alignment.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <unordered_map>

namespace engine::g2p {
namespace {

using Ids = std::vector<int32_t>;

struct Interner {
  std::unordered_map<std::string, int32_t> ids;
  Ids Intern(const PhoneWord& word) {
    Ids out;
    out.reserve(word.size());
    for (const std::string& phone : word) out.push_back(ids.emplace(phone, static_cast<int32_t>(ids.size())).first->second);
    return out;
  }
};

size_t EditDistance(const Ids& a, const Ids& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({up + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// For each phone of b, the index of the phone of a it is aligned with (match or substitution),
// or -1 where it is an insertion.
std::vector<int64_t> AlignPhones(const Ids& a, const Ids& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<size_t> cost((n + 1) * (m + 1));
  const auto at = [&](size_t i, size_t j) -> size_t& { return cost[i * (m + 1) + j]; };
  for (size_t i = 0; i <= n; ++i) at(i, 0) = i;
  for (size_t j = 0; j <= m; ++j) at(0, j) = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
  }
  std::vector<int64_t> source(m, -1);
  size_t i = n, j = m;
  while (i > 0 && j > 0) {
    if (at(i, j) == at(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1)) {
      source[j - 1] = static_cast<int64_t>(i - 1);
      --i, --j;
    } else if (at(i, j) == at(i - 1, j) + 1) {
      --i;
    } else {
      --j;
    }
  }
  return source;
}

struct Step {
  int i, j;
};
constexpr Step kSteps[] = {{1, 1}, {2, 1}, {3, 1}, {1, 2}, {1, 3}, {1, 0}, {0, 1}};
constexpr size_t kBandSlack = 16;
// Beyond this many DP cells every input word takes its words-alone phones.
constexpr size_t kMaxCells = size_t{1} << 22;

}  // namespace

std::vector<AssignedWord> AssignContextPhones(const std::vector<std::vector<PhoneWord>>& isolated,
                                              const std::vector<PhoneWord>& context) {
  Interner interner;
  // The isolated espeak words, flattened, each with its input word.
  std::vector<Ids> x;
  std::vector<size_t> owner;
  for (size_t k = 0; k < isolated.size(); ++k) {
    for (const PhoneWord& word : isolated[k]) {
      x.push_back(interner.Intern(word));
      owner.push_back(k);
    }
  }
  std::vector<Ids> e;
  for (const PhoneWord& word : context) e.push_back(interner.Intern(word));
  std::vector<std::string> names(interner.ids.size());
  for (const auto& [name, id] : interner.ids) names[static_cast<size_t>(id)] = name;

  const size_t p = x.size(), m = e.size();
  const size_t band = (p > m ? p - m : m - p) + kBandSlack;
  const size_t width = 2 * band + 1;
  // Banded storage: cell (a, b) with |a - b| <= band lives at a * width + (b + band - a).
  const bool too_large = (p + 1) > kMaxCells / width;
  const auto in_band = [&](size_t a, size_t b) { return (a > b ? a - b : b - a) <= band; };
  const auto idx = [&](size_t a, size_t b) { return a * width + (b + band - a); };
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> cost(too_large ? 0 : (p + 1) * width, kInf);
  std::vector<uint8_t> from(cost.size(), 0xFF);
  const auto concat = [](const std::vector<Ids>& words, size_t start, size_t count) {
    Ids out;
    for (size_t k = start; k < start + count; ++k) out.insert(out.end(), words[k].begin(), words[k].end());
    return out;
  };
  if (!too_large) cost[idx(0, 0)] = 0;
  for (size_t a = 0; a <= p && !too_large; ++a) {
    const size_t b_first = a > band ? a - band : 0;
    const size_t b_last = std::min(m, a + band);
    for (size_t b = b_first; b <= b_last; ++b) {
      const double here = cost[idx(a, b)];
      if (here == kInf) continue;
      for (uint8_t s = 0; s < std::size(kSteps); ++s) {
        const size_t na = a + static_cast<size_t>(kSteps[s].i), nb = b + static_cast<size_t>(kSteps[s].j);
        if (na > p || nb > m || !in_band(na, nb)) continue;
        double step;
        if (kSteps[s].j == 0) {
          step = static_cast<double>(x[a].size()) + 1;
        } else if (kSteps[s].i == 0) {
          step = static_cast<double>(e[b].size()) + 1;
        } else {
          step = static_cast<double>(EditDistance(concat(x, a, static_cast<size_t>(kSteps[s].i)),
                                                  concat(e, b, static_cast<size_t>(kSteps[s].j)))) +
                 0.5 * (kSteps[s].i + kSteps[s].j - 2);
        }
        if (here + step < cost[idx(na, nb)]) {
          cost[idx(na, nb)] = here + step;
          from[idx(na, nb)] = s;
        }
      }
    }
  }

  std::vector<AssignedWord> out(isolated.size());
  const bool aligned = !too_large && in_band(p, m) && cost[idx(p, m)] != kInf;
  if (aligned) {
    // Backtrack into groups, then assign them in order.
    std::vector<std::pair<size_t, size_t>> starts;  // (a, b) where each group starts
    std::vector<uint8_t> steps;
    for (size_t a = p, b = m; a > 0 || b > 0;) {
      const uint8_t s = from[idx(a, b)];
      a -= static_cast<size_t>(kSteps[s].i);
      b -= static_cast<size_t>(kSteps[s].j);
      starts.emplace_back(a, b);
      steps.push_back(s);
    }
    std::reverse(starts.begin(), starts.end());
    std::reverse(steps.begin(), steps.end());
    std::vector<size_t> orphan_owner(steps.size(), SIZE_MAX);
    // The input word an unmatched context word joins: the owner of the group before it, else after it.
    size_t last_owner = SIZE_MAX;
    for (size_t g = 0; g < steps.size(); ++g) {
      if (kSteps[steps[g]].i > 0) last_owner = owner[starts[g].first + static_cast<size_t>(kSteps[steps[g]].i) - 1];
      else orphan_owner[g] = last_owner;
    }
    size_t next_owner = SIZE_MAX;
    for (size_t g = steps.size(); g-- > 0;) {
      if (kSteps[steps[g]].i > 0) next_owner = owner[starts[g].first];
      else if (orphan_owner[g] == SIZE_MAX) orphan_owner[g] = next_owner;
    }
    const auto give = [&](size_t word, int32_t phone) {
      out[word].phones.push_back(names[static_cast<size_t>(phone)]);
    };
    for (size_t g = 0; g < steps.size(); ++g) {
      const auto [a, b] = starts[g];
      const size_t ni = static_cast<size_t>(kSteps[steps[g]].i), nj = static_cast<size_t>(kSteps[steps[g]].j);
      if (nj == 0) continue;
      const Ids phones = concat(e, b, nj);
      if (ni == 0) {
        if (orphan_owner[g] == SIZE_MAX) continue;  // no input word at all
        for (int32_t phone : phones) give(orphan_owner[g], phone);
        continue;
      }
      if (owner[a] == owner[a + ni - 1]) {
        for (int32_t phone : phones) give(owner[a], phone);
        continue;
      }
      // A context word shared by several input words: split it by a phone alignment.
      std::vector<size_t> phone_owner;
      for (size_t k = a; k < a + ni; ++k) phone_owner.insert(phone_owner.end(), x[k].size(), owner[k]);
      const std::vector<int64_t> source = AlignPhones(concat(x, a, ni), phones);
      size_t current = owner[a];
      std::vector<size_t> assigned(phones.size());
      // Insertions take the owner of the phone before them (the first input word at the start).
      for (size_t k = 0; k < phones.size(); ++k) {
        if (source[k] >= 0) current = std::max(current, phone_owner[static_cast<size_t>(source[k])]);
        assigned[k] = current;
      }
      for (size_t k = 0; k < phones.size(); ++k) give(assigned[k], phones[k]);
    }
  }
  if (!aligned) {
    for (size_t k = 0; k < isolated.size(); ++k) {
      for (const PhoneWord& word : isolated[k]) out[k].phones.insert(out[k].phones.end(), word.begin(), word.end());
      out[k].in_context = false;
    }
  }
  return out;
}

}  // namespace engine::g2p
