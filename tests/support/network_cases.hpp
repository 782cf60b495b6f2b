#pragma once
// The combinations a network kernel is tested over: every activation × loss × bias × residual.
#include <ostream>
#include <vector>

#include "model/architecture.hpp"

namespace terrain::testing {

struct NetworkCase {
  model::Activation activation;
  model::Loss loss;
  bool bias, residual;
};

inline std::ostream& operator<<(std::ostream& os, const NetworkCase& c) {
  return os << model::to_string(c.activation) << "/" << model::to_string(c.loss)
            << (c.bias ? "/bias" : "/nobias") << (c.residual ? "/residual" : "");
}

inline std::vector<NetworkCase> all_network_cases() {
  std::vector<NetworkCase> cases;
  for (auto a : {model::Activation::linear, model::Activation::relu, model::Activation::tanh,
                 model::Activation::sigmoid, model::Activation::softplus})
    for (auto l : {model::Loss::mse, model::Loss::cross_entropy})
      for (bool bias : {false, true})
        for (bool residual : {false, true}) cases.push_back({a, l, bias, residual});
  return cases;
}

}  // namespace terrain::testing
