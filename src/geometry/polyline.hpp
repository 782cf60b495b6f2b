#pragma once
// A path through images θ_0 = A, θ_1, …, θ_K = B, straight between consecutive images (a NEB
// band, or the line A→B with K = 1), parametrised by arc length: image i sits at
// t_i = (Σ_{j<i} ‖θ_{j+1} − θ_j‖) / (total length), so t measures the distance travelled and the
// chord (1 − t)L_A + t L_B of a barrier is the linear interpolation of the endpoint losses.
#include <vector>

namespace terrain::geometry {

using Images = std::vector<std::vector<double>>;

// t_i of every image: 0 for the first, 1 for the last, non-decreasing. A path of no length (two
// minima that alignment mapped onto each other) has its images spaced by index.
std::vector<double> arc_positions(const Images& images);

// The point at t ∈ [0, 1] (positions from arc_positions).
std::vector<double> polyline_point(const Images& images, const std::vector<double>& positions,
                                   double t);

// ‖a − b‖₂.
double distance(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace terrain::geometry
