#include "embedding/embed_options.hpp"

#include <cmath>

#include "core/error.hpp"
#include "io/file_maintenance.hpp"
#include "core/options.hpp"
#include "core/session.hpp"

namespace terrain::embedding {

namespace {
const char* const kModes[] = {"split", "features", "reduce", "compare"};
const char* const kRules[] = {"equal", "alpha"};

// Which options were given, for the checks that depend on the mode.
struct Given {
  PetscBool input = PETSC_FALSE, output = PETSC_FALSE, mode = PETSC_FALSE, name = PETSC_FALSE,
            widths = PETSC_FALSE, rule = PETSC_FALSE, alpha = PETSC_FALSE, layer = PETSC_FALSE,
            neuron = PETSC_FALSE, split_neuron = PETSC_FALSE, counts_tol = PETSC_FALSE,
            counts_rtol = PETSC_FALSE, cos = PETSC_FALSE,
            amp_tol = PETSC_FALSE, reference = PETSC_FALSE;
};

PetscErrorCode read_options(EmbedOptions* o, Given* g) {
  PetscFunctionBeginUser;
  char input[PETSC_MAX_PATH_LEN] = "", output[PETSC_MAX_PATH_LEN] = "",
       reference[PETSC_MAX_PATH_LEN] = "", name[256] = "";
  PetscInt mode = 0, rule = static_cast<PetscInt>(o->rule);
  PetscInt widths[64], n_widths = 64;
  PetscBool counts = o->counts ? PETSC_TRUE : PETSC_FALSE;
  PetscBool from_run = o->data_from_run ? PETSC_TRUE : PETSC_FALSE;

  PetscOptionsBegin(PETSC_COMM_WORLD, nullptr, "Input and output", "terrain-embed");
  PetscCall(PetscOptionsString("-input",
                               "Run file (its /params, or a snapshot with -embed_step) or "
                               "parameter file (needs -model_widths) (required)",
                               "", input, input, sizeof(input), &g->input));
  PetscCall(PetscOptionsString("-output",
                               "New self-contained run file: the network after the operation and "
                               "/embedding/<name> (required, not -input)",
                               "", output, output, sizeof(output), &g->output));
  PetscOptionsEnd();

  PetscOptionsBegin(PETSC_COMM_WORLD, "embed_", "Embedding, features, reduction", "terrain-embed");
  PetscCall(PetscOptionsEList("-mode",
                              "split (embed into a wider network), features (amplitude, "
                              "direction, angle), reduce (one neuron per condensed group), "
                              "compare (with -embed_reference) (required)",
                              "", kModes, 4, kModes[0], &mode, &g->mode));
  PetscCall(PetscOptionsString("-name", "Results go to /embedding/<name> (default: the mode)", "",
                               name, name, sizeof(name), &g->name));
  PetscCall(PetscOptionsInt("-step", "Use the /trajectory/params snapshot of this step (-1: /params)",
                            "", o->step, &o->step, nullptr));
  PetscCall(PetscOptionsBool("-data_from_run",
                             "Without -data_source, use the -data_ options recorded in the run file",
                             "", from_run, &from_run, nullptr));
  PetscCall(PetscOptionsIntArray("-widths",
                                 "split: target widths d,h1',...,d_out (same depth, h' >= h)", "",
                                 widths, &n_widths, &g->widths));
  PetscCall(PetscOptionsEList("-split",
                              "split to -embed_widths: equal (a neuron with k copies gives each "
                              "1/k) or alpha (one-step splits with -embed_alpha, repeated); new "
                              "neuron t copies neuron t mod h",
                              "", kRules, 2, kRules[rule], &rule, &g->rule));
  PetscCall(PetscOptionsInt("-split_neuron",
                            "split to -embed_widths: every new neuron of a widened layer copies "
                            "this neuron j (0-based; the k-way split of one neuron) instead of "
                            "round-robin",
                            "", o->widths.neuron, &o->widths.neuron, &g->split_neuron));
  PetscCall(PetscOptionsReal("-alpha",
                             "split: the ratio alpha (any real): the split neuron keeps alpha of "
                             "its outgoing weights, the copy 1-alpha",
                             "", o->alpha, &o->alpha, &g->alpha));
  PetscCall(PetscOptionsInt("-layer", "one-step split: hidden layer 1..L-1", "", o->layer,
                            &o->layer, &g->layer));
  PetscCall(PetscOptionsInt("-neuron", "one-step split: the neuron (0-based) to split", "",
                            o->neuron, &o->neuron, &g->neuron));
  PetscCall(PetscOptionsBool("-counts",
                             "split: full dense Hessian spectra and inertia (n-, n0, n+) before "
                             "and after",
                             "", counts, &counts, nullptr));
  PetscCall(PetscOptionsReal("-counts_tol",
                             "split: absolute part of tau: |lambda| < tau = max(tol, rtol * "
                             "max|lambda|) counts as zero (needs |grad L| well below it)",
                             "", o->counts_tol.atol, &o->counts_tol.atol, &g->counts_tol));
  PetscCall(PetscOptionsReal("-counts_rtol",
                             "split: relative part of tau, times each spectrum's max|lambda| "
                             "(0: absolute; ~1e-13 keeps rounding at a large lambda_max from "
                             "crossing tau)",
                             "", o->counts_tol.rtol, &o->counts_tol.rtol, &g->counts_rtol));
  PetscCall(PetscOptionsReal("-cos",
                             "reduce: neurons whose input directions have cosine >= this are one "
                             "group",
                             "", o->cos, &o->cos, &g->cos));
  PetscCall(PetscOptionsReal("-amp_tol",
                             "reduce: neurons with amplitude <= amp_tol * max amplitude are dropped",
                             "", o->amp_tol, &o->amp_tol, &g->amp_tol));
  PetscCall(PetscOptionsString("-reference",
                               "compare: the other network's run file (same data)", "", reference,
                               reference, sizeof(reference), &g->reference));
  PetscOptionsEnd();

  o->input = input;
  o->output = output;
  o->reference = reference;
  o->name = g->name ? name : "";
  o->mode = static_cast<Mode>(mode);
  o->rule = static_cast<SplitRule>(rule);
  if (g->widths) o->widths.widths.assign(widths, widths + n_widths);
  if (g->split_neuron) o->widths.widening = Widening::one_neuron;
  o->counts = counts;
  o->data_from_run = from_run;
  PetscFunctionReturn(0);
}

// An option that belongs to other modes is an error rather than silently ignored.
void only_for(PetscBool given, const char* option, bool applies, const char* modes) {
  TERRAIN_CHECK(!given || applies, option << " applies to -embed_mode " << modes << " only");
}
}  // namespace

const char* to_string(Mode m) { return kModes[static_cast<int>(m)]; }

EmbedOptions EmbedOptions::from_options() {
  EmbedOptions o;
  Given g;
  TERRAIN_OPTIONS(read_options(&o, &g));
  if (core::help_requested()) return o;
  core::require_option(g.input, "-input");
  core::require_option(g.output, "-output");
  TERRAIN_CHECK(!o.input.empty() && !o.output.empty(), "-input and -output must name files");
  TERRAIN_CHECK(!io::same_file(o.output, o.input),
                "-output must differ from -input: " << o.output << " is the file " << o.input
                                                   << " (terrain-embed writes a new run file)");
  TERRAIN_CHECK(g.mode, "-embed_mode is required: split, features, reduce or compare");
  if (o.name.empty()) o.name = to_string(o.mode);
  TERRAIN_CHECK(o.name.find('/') == std::string::npos && o.name != "." && o.name != "..",
                "-embed_name must be one word without '/', got '" << o.name << "'");
  TERRAIN_CHECK(o.step >= -1, "-embed_step must be a step number or -1 (final), got " << o.step);

  const bool split = o.mode == Mode::split;
  only_for(g.widths, "-embed_widths", split, "split");
  only_for(g.rule, "-embed_split", split && g.widths, "split with -embed_widths");
  only_for(g.split_neuron, "-embed_split_neuron", split && g.widths, "split with -embed_widths");
  only_for(g.alpha, "-embed_alpha", split, "split");
  only_for(g.layer, "-embed_layer", split && !g.widths, "split without -embed_widths");
  only_for(g.neuron, "-embed_neuron", split && !g.widths, "split without -embed_widths");
  only_for(o.counts ? PETSC_TRUE : PETSC_FALSE, "-embed_counts", split, "split");
  only_for(g.counts_tol, "-embed_counts_tol", split, "split");
  only_for(g.counts_rtol, "-embed_counts_rtol", split, "split");
  only_for(g.cos, "-embed_cos", o.mode == Mode::reduce, "reduce");
  only_for(g.amp_tol, "-embed_amp_tol", o.mode == Mode::reduce, "reduce");
  only_for(g.reference, "-embed_reference", o.mode == Mode::compare, "compare");
  if (split) {
    TERRAIN_CHECK(g.widths || g.neuron,
                  "-embed_mode split needs -embed_widths (to wider widths) or -embed_neuron "
                  "(one step, with -embed_layer)");
    TERRAIN_CHECK(g.widths || o.neuron >= 0,
                  "-embed_neuron must be a neuron index >= 0, got " << o.neuron);
    TERRAIN_CHECK(std::isfinite(o.alpha), "-embed_alpha must be finite");
    TERRAIN_CHECK(!g.alpha || !g.widths || o.rule == SplitRule::alpha,
                  "-embed_alpha needs -embed_split alpha with -embed_widths (equal splits give "
                  "each of k copies 1/k)");
    TERRAIN_CHECK(!g.split_neuron || o.widths.neuron >= 0,
                  "-embed_split_neuron must be a neuron index >= 0, got " << o.widths.neuron);
    TERRAIN_CHECK(o.counts_tol.atol > 0,
                  "-embed_counts_tol must be positive, got " << o.counts_tol.atol);
    TERRAIN_CHECK(o.counts_tol.rtol >= 0 && o.counts_tol.rtol < 1,
                  "-embed_counts_rtol must be in [0, 1), got " << o.counts_tol.rtol);
  }
  if (o.mode == Mode::reduce) {
    TERRAIN_CHECK(o.cos >= -1 && o.cos <= 1, "-embed_cos must be in [-1, 1], got " << o.cos);
    TERRAIN_CHECK(o.amp_tol >= 0 && o.amp_tol < 1,
                  "-embed_amp_tol must be in [0, 1), got " << o.amp_tol);
  }
  if (o.mode == Mode::compare) {
    TERRAIN_CHECK(g.reference && !o.reference.empty(),
                  "-embed_mode compare needs -embed_reference (the other network's run file)");
    TERRAIN_CHECK(!io::same_file(o.reference, o.output),
                  "-output must differ from -embed_reference: " << o.output << " is the file "
                                                                 << o.reference);
  }
  return o;
}

void record_options(const EmbedOptions& o, EmbeddingReport& r) {
  if (o.mode != Mode::split || o.one_step()) return;
  r.widening = to_string(o.widths.widening);
  r.split_neuron = o.widths.widening == Widening::one_neuron ? o.widths.neuron : -1;
}

}  // namespace terrain::embedding
