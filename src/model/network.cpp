#include "model/network.hpp"

#include <cblas.h>

#include <algorithm>
#include <cstring>

#include "model/activation.hpp"
#include "model/predict.hpp"

namespace terrain::model {

namespace {
// Rows × directions handled per chunk of an R-pass: bounds the scratch memory for many
// directions while keeping GEMMs large.
constexpr PetscInt kChunkRowsTimesDirections = 8192;

void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, PetscInt m, PetscInt n, PetscInt k,
          const double* a, PetscInt lda, const double* b, PetscInt ldb, double beta, double* c,
          PetscInt ldc) {
  cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, a, lda, b, ldb, beta, c, ldc);
}

// colsum += Σ_rows A for A rows × cols row-major (a GEMV against ones).
void add_column_sums(const double* a, PetscInt rows, PetscInt cols, const std::vector<double>& ones,
                     double* colsum) {
  cblas_dgemv(CblasRowMajor, CblasTrans, rows, cols, 1.0, a, cols, ones.data(), 1, 1.0, colsum, 1);
}
}  // namespace

Network::Network(const Architecture& arch) : arch_(arch), layout_(arch) {}

void Network::forward(const double* theta, const double* x, PetscInt n, PassState& s,
                      bool second_order) const {
  const int L = arch_.n_layers();
  s.n = n;
  s.x = x;
  s.out.resize(L);
  s.d1.resize(L);
  s.d2.resize(L);
  const double* a_prev = x;
  for (int l = 0; l < L; ++l) {
    const LayerBlock& b = layout_.layer(l);
    std::vector<double>& z = s.out[l];
    z.resize(std::size_t(n) * b.fan_out);
    if (b.bias_offset >= 0)
      for (PetscInt i = 0; i < n; ++i)
        std::memcpy(&z[i * b.fan_out], theta + b.bias_offset, sizeof(double) * b.fan_out);
    gemm(CblasNoTrans, CblasTrans, n, b.fan_out, b.fan_in, a_prev, b.fan_in,
         theta + b.weight_offset, b.fan_in, b.bias_offset >= 0 ? 1.0 : 0.0, z.data(), b.fan_out);
    if (!arch_.is_output(l)) {
      s.d1[l].resize(z.size());
      s.d2[l].resize(second_order ? z.size() : 0);
      activate(arch_.activation, z.data(), z.size(), z.data(), s.d1[l].data(),
               second_order ? s.d2[l].data() : nullptr);
      if (arch_.has_skip(l))
        for (std::size_t i = 0; i < z.size(); ++i) z[i] += a_prev[i];
    }
    a_prev = z.data();
  }
}

namespace {
// buf grows to at least `size` doubles and is never shrunk (no allocation once warm).
double* grown(std::vector<double>& buf, std::size_t size) {
  if (buf.size() < size) buf.resize(size);
  return buf.data();
}
}  // namespace

BlockSums Network::forward_loss(const double* theta, const double* x, PetscInt n,
                                const Targets& targets, ForwardWork& work) const {
  return forward_loss_from(0, theta, x, n, targets, work);
}

BlockSums Network::forward_loss_from_first(const double* theta, const double* z1, PetscInt n,
                                           const Targets& targets, ForwardWork& work) const {
  const PetscInt fo = layout_.layer(0).fan_out;
  if (arch_.is_output(0)) return forward_loss_from(1, theta, z1, n, targets, work);
  double* a = grown(work.a, std::size_t(n) * fo);  // layer 0's buffer (even parity)
  activate_values(arch_.activation, z1, std::size_t(n) * fo, a, nullptr);
  return forward_loss_from(1, theta, a, n, targets, work);
}

BlockSums Network::forward_loss_from(int first, const double* theta, const double* a, PetscInt n,
                                     const Targets& targets, ForwardWork& work) const {
  const int L = arch_.n_layers();
  for (int l = first; l < L; ++l) {
    const LayerBlock& b = layout_.layer(l);
    const std::size_t size = std::size_t(n) * b.fan_out;
    // Layer l writes the buffer of its parity, so a skip reads its input from the other one.
    double* z = grown(l % 2 == 0 ? work.a : work.b, size);
    // The same arithmetic as forward(): bias rows as GEMM's C with beta = 1 (the pass that
    // beta = 0 would spend zeroing C), then σ (+ skip) in one pass in place.
    if (b.bias_offset >= 0)
      for (PetscInt i = 0; i < n; ++i)
        std::memcpy(z + i * b.fan_out, theta + b.bias_offset, sizeof(double) * b.fan_out);
    gemm(CblasNoTrans, CblasTrans, n, b.fan_out, b.fan_in, a, b.fan_in, theta + b.weight_offset,
         b.fan_in, b.bias_offset >= 0 ? 1.0 : 0.0, z, b.fan_out);
    if (!arch_.is_output(l))
      activate_values(arch_.activation, z, size, z, arch_.has_skip(l) ? a : nullptr);
    a = z;
  }
  BlockSums sums;
  sums.loss_sum = loss_sum(arch_.loss, a, n, d_out(), targets);
  if (targets.labels) sums.correct = double(count_correct(a, n, d_out(), targets.labels));
  return sums;
}

void Network::backward(const double* theta, const Targets& targets, double scale,
                       PassState& s) const {
  const int L = arch_.n_layers();
  const PetscInt n = s.n, k = d_out();
  s.scale = scale;
  s.gz.resize(L);
  s.ga.resize(L);
  s.gz[L - 1].resize(std::size_t(n) * k);
  if (arch_.loss == Loss::cross_entropy) s.p.resize(std::size_t(n) * k);
  s.loss_sum = loss_and_output_gradient(arch_.loss, s.out[L - 1].data(), n, k, targets, scale,
                                        s.gz[L - 1].data(), s.p.data());
  for (int l = L - 1; l >= 0; --l) {
    const LayerBlock& b = layout_.layer(l);
    std::vector<double>& gz = s.gz[l];
    if (!arch_.is_output(l)) {
      gz.resize(s.ga[l].size());
      for (std::size_t i = 0; i < gz.size(); ++i) gz[i] = s.d1[l][i] * s.ga[l][i];
    }
    if (l == 0) break;
    std::vector<double>& ga_prev = s.ga[l - 1];
    ga_prev.resize(std::size_t(n) * b.fan_in);
    gemm(CblasNoTrans, CblasNoTrans, n, b.fan_in, b.fan_out, gz.data(), b.fan_out,
         theta + b.weight_offset, b.fan_in, 0.0, ga_prev.data(), b.fan_in);
    if (arch_.has_skip(l))
      for (std::size_t i = 0; i < ga_prev.size(); ++i) ga_prev[i] += s.ga[l][i];
  }
}

void Network::add_gradient(const PassState& s, double* grad) const {
  const std::vector<double> ones(s.n, 1.0);
  for (int l = 0; l < arch_.n_layers(); ++l) {
    const LayerBlock& b = layout_.layer(l);
    const double* a_prev = l == 0 ? s.x : s.out[l - 1].data();
    gemm(CblasTrans, CblasNoTrans, b.fan_out, b.fan_in, s.n, s.gz[l].data(), b.fan_out, a_prev,
         b.fan_in, 1.0, grad + b.weight_offset, b.fan_in);
    if (b.bias_offset >= 0) add_column_sums(s.gz[l].data(), s.n, b.fan_out, ones, grad + b.bias_offset);
  }
}

void Network::add_curvature_product(const double* theta, PassState& s, const double* v,
                                    PetscInt m, double* out, bool gauss_newton) const {
  const int L = arch_.n_layers();
  const PetscInt N = n_params(), k = d_out();
  const PetscInt chunk = std::max<PetscInt>(1, std::min<PetscInt>(s.n, kChunkRowsTimesDirections / m));

  // Scratch layout in s.work (reused between calls so big products do not page-fault anew):
  // per layer the stacked directions Vs [m·fo × fi], their horizontal concatenation Vh
  // [fo × m·fi] (layers > 0, exact Hessian only), the stacked results Gs [m·fo × fi] and
  // Gb [m × fo]; per layer the chunk's R{z}, R{a} [chunk × m·fo]; two R{δ} buffers.
  std::vector<PetscInt> vs(L), vh(L), gs(L), gb(L), rz(L), ra(L);
  PetscInt size = 0, widest = 0;
  for (int l = 0; l < L; ++l) {
    const LayerBlock& b = layout_.layer(l);
    const PetscInt w = b.fan_in * b.fan_out;
    vs[l] = size, size += m * w;
    vh[l] = size, size += (l > 0 && !gauss_newton) ? m * w : 0;
    gs[l] = size, size += m * w;
    gb[l] = size, size += m * b.fan_out;
    rz[l] = size, size += chunk * m * b.fan_out;
    ra[l] = size, size += arch_.is_output(l) ? 0 : chunk * m * b.fan_out;
    widest = std::max({widest, b.fan_in, b.fan_out});
  }
  const PetscInt rd0 = size, rd1 = size + chunk * m * widest;
  size += 2 * chunk * m * widest;
  s.work.resize(size);
  double* w = s.work.data();
  const std::vector<double> ones(chunk, 1.0);

  for (int l = 0; l < L; ++l) {
    const LayerBlock& b = layout_.layer(l);
    const PetscInt fw = b.fan_in * b.fan_out;
    for (PetscInt j = 0; j < m; ++j) {
      const double* vj = v + j * N + b.weight_offset;
      std::memcpy(w + vs[l] + j * fw, vj, sizeof(double) * fw);
      if (l > 0 && !gauss_newton)
        for (PetscInt o = 0; o < b.fan_out; ++o)
          std::memcpy(w + vh[l] + o * m * b.fan_in + j * b.fan_in, vj + o * b.fan_in,
                      sizeof(double) * b.fan_in);
    }
    std::fill(w + gs[l], w + gs[l] + m * fw, 0.0);
    std::fill(w + gb[l], w + gb[l] + m * b.fan_out, 0.0);
  }

  for (PetscInt r0 = 0; r0 < s.n; r0 += chunk) {
    const PetscInt c = std::min(chunk, s.n - r0);
    // R-forward: R{z_l} = V_l a_{l-1} + W_l R{a_{l-1}} + R{b_l}; R{a_l} = σ'(z_l) R{z_l} (+ skip).
    for (int l = 0; l < L; ++l) {
      const LayerBlock& b = layout_.layer(l);
      const PetscInt fo = b.fan_out, mfo = m * fo;
      const double* a_prev = (l == 0 ? s.x : s.out[l - 1].data()) + r0 * b.fan_in;
      double* Rz = w + rz[l];
      gemm(CblasNoTrans, CblasTrans, c, mfo, b.fan_in, a_prev, b.fan_in, w + vs[l], b.fan_in, 0.0,
           Rz, mfo);
      if (l > 0)  // R{a_{l-1}} viewed as (c·m) × fan_in rows: one GEMM for all directions
        gemm(CblasNoTrans, CblasTrans, c * m, fo, b.fan_in, w + ra[l - 1], b.fan_in,
             theta + b.weight_offset, b.fan_in, 1.0, Rz, fo);
      if (b.bias_offset >= 0)
        for (PetscInt i = 0; i < c; ++i)
          for (PetscInt j = 0; j < m; ++j) {
            const double* vb = v + j * N + b.bias_offset;
            double* row = Rz + i * mfo + j * fo;
            for (PetscInt o = 0; o < fo; ++o) row[o] += vb[o];
          }
      if (!arch_.is_output(l)) {
        double* Ra = w + ra[l];
        const double* d1 = s.d1[l].data() + r0 * fo;
        const bool skip = arch_.has_skip(l);
        const double* Ra_prev = skip ? w + ra[l - 1] : nullptr;
        for (PetscInt i = 0; i < c; ++i)
          for (PetscInt j = 0; j < m; ++j)
            for (PetscInt o = 0; o < fo; ++o) {
              const PetscInt at = i * mfo + j * fo + o;
              Ra[at] = d1[i * fo + o] * Rz[at] + (skip ? Ra_prev[at] : 0.0);
            }
      }
    }
    // Output: R{δ_f} = H_f R{f}.
    double* Rg = w + rd0;   // R{∂L/∂z_l} of the current layer
    double* Rga = w + rd1;  // R{∂L/∂a_l} flowing down
    apply_output_hessian(arch_.loss, s.p.data() + r0 * k, c, k, m, s.scale, w + rz[L - 1], Rg);
    // R-backward.
    for (int l = L - 1; l >= 0; --l) {
      const LayerBlock& b = layout_.layer(l);
      const PetscInt fi = b.fan_in, fo = b.fan_out, mfo = m * fo;
      const double* a_prev = (l == 0 ? s.x : s.out[l - 1].data()) + r0 * fi;
      if (!arch_.is_output(l)) {
        // R{δz} = σ'' R{z} δa + σ' R{δa}; the first term is not part of Gauss–Newton.
        const double* d1 = s.d1[l].data() + r0 * fo;
        const double* d2 = gauss_newton ? nullptr : s.d2[l].data() + r0 * fo;
        const double* ga = s.ga[l].data() + r0 * fo;
        const double* Rz = w + rz[l];
        for (PetscInt i = 0; i < c; ++i)
          for (PetscInt j = 0; j < m; ++j)
            for (PetscInt o = 0; o < fo; ++o) {
              const PetscInt at = i * mfo + j * fo + o, here = i * fo + o;
              Rg[at] = d1[here] * Rga[at] + (d2 ? d2[here] * Rz[at] * ga[here] : 0.0);
            }
      }
      // R{∇W} = R{δz}ᵀ a + δzᵀ R{a}; R{∇b} = Σ R{δz}.
      gemm(CblasTrans, CblasNoTrans, mfo, fi, c, Rg, mfo, a_prev, fi, 1.0, w + gs[l], fi);
      const double* gz = s.gz[l].data() + r0 * fo;
      if (l > 0 && !gauss_newton)
        for (PetscInt j = 0; j < m; ++j)
          gemm(CblasTrans, CblasNoTrans, fo, fi, c, gz, fo, w + ra[l - 1] + j * fi, m * fi, 1.0,
               w + gs[l] + j * fo * fi, fi);
      if (b.bias_offset >= 0) add_column_sums(Rg, c, mfo, ones, w + gb[l]);
      if (l == 0) break;
      // R{δa_{l-1}} = R{δz} W + δz V (+ R{δa_l} through a skip). It overwrites Rga, whose
      // content R{δa_l} is spent — except through a skip, which adds exactly it (beta = 1).
      gemm(CblasNoTrans, CblasNoTrans, c * m, fi, fo, Rg, fo, theta + b.weight_offset, fi,
           arch_.has_skip(l) ? 1.0 : 0.0, Rga, fi);
      if (!gauss_newton)
        gemm(CblasNoTrans, CblasNoTrans, c, m * fi, fo, gz, fo, w + vh[l], m * fi, 1.0, Rga,
             m * fi);
    }
  }

  for (int l = 0; l < L; ++l) {
    const LayerBlock& b = layout_.layer(l);
    const PetscInt fw = b.fan_in * b.fan_out;
    for (PetscInt j = 0; j < m; ++j) {
      double* oj = out + j * N;
      const double* g = w + gs[l] + j * fw;
      for (PetscInt i = 0; i < fw; ++i) oj[b.weight_offset + i] += g[i];
      if (b.bias_offset >= 0)
        for (PetscInt o = 0; o < b.fan_out; ++o) oj[b.bias_offset + o] += w[gb[l] + j * b.fan_out + o];
    }
  }
}

void predict(const Architecture& arch, const double* theta, const double* x, PetscInt n,
             double* out) {
  Network net(arch);
  PassState s;
  net.forward(theta, x, n, s, false);
  std::memcpy(out, s.out.back().data(), sizeof(double) * n * arch.widths.back());
}

}  // namespace terrain::model
