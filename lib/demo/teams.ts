/**
 * The demo's teams and their stories (lib/demo/generate.ts tells them): healthy, burning tokens,
 * chatty, stalling and diverging, tuned so that every flag of kpis-v1.md trips on some of them at
 * the default thresholds while most runs stay unflagged.
 */

/** The kinds of loop run the demo mixes. */
export type RunKind = 'converge' | 'fail' | 'burn' | 'stall' | 'chatter';

export type Agent = 'claude-code' | 'codex' | 'custom-bot';

export interface DemoOutcomes {
  /** Probability a converging run's change is closed without merging. */
  closed: number;
  /** Probability a merged change gets a `change.modified` within 7 days. */
  modified: number;
  /** Probability a merged change is reverted within 7 days. */
  reverted: number;
  /** Probability a merged change is named in a `defect.opened` within 14 days. */
  defect: number;
  /** Probability such a defect is fixed (eventually; fixes after asOf are not emitted). */
  defectFixed: number;
}

export interface DemoProfile {
  /** One line: what this team's data is meant to show. */
  story: string;
  /** Runs started per weekday (weekends get a quarter of it). */
  runsPerDay: number;
  /** Runs/day multiplier reached at asOf, growing linearly over the last 10 weeks (default 1). */
  runsTrend?: number;
  /** Share of each run kind (normalised). */
  mix: Record<RunKind, number>;
  /** Share of each run kind at asOf, interpolated linearly from `mix` over the last 10 weeks. */
  mixEnd?: Record<RunKind, number>;
  /** Multiplier on tokens per LLM call. */
  tokenScale: number;
  /** Tokens-per-call multiplier reached at asOf, growing exponentially over the last 10 weeks (default 1). */
  tokenGrowth?: number;
  /** Size of this team's `burn` runs (extra tokens per call, and turns when < 1); default 1. */
  burnScale?: number;
  /** Probability that an ordinary run is a multi-agent one (emits a few `message` events). */
  multiAgent: number;
  repos: string[];
  agents: [Agent, number][];
  /** [branch slug, task text] */
  tasks: [string, string][];
  outcomes: DemoOutcomes;
}

export interface DemoTeam {
  slug: string;
  name: string;
  profile: DemoProfile;
}

/** A mix of run kinds, as shares. */
export const mix = (converge: number, fail: number, burn: number, stall: number, chatter: number): Record<RunKind, number> => ({
  converge,
  fail,
  burn,
  stall,
  chatter,
});

export const DEMO_TEAMS: DemoTeam[] = [
  {
    slug: 'payments',
    name: 'Payments',
    profile: {
      story: 'Healthy: short loops that converge, changes that survive, few defects.',
      runsPerDay: 3,
      runsTrend: 1.1,
      mix: mix(0.74, 0.2, 0.01, 0.03, 0.02),
      tokenScale: 1,
      burnScale: 0.5,
      multiAgent: 0.05,
      repos: ['acme/payments-api', 'acme/ledger', 'acme/billing-web'],
      agents: [
        ['claude-code', 0.7],
        ['codex', 0.3],
      ],
      tasks: [
        ['refund-idempotency', 'Add idempotency keys to the refund endpoint'],
        ['currency-rounding', 'Fix rounding of JPY amounts in currency conversion'],
        ['ledger-reconcile', 'Reconcile ledger entries nightly and report drift'],
        ['webhook-retries', 'Retry failed payment webhooks with exponential backoff'],
        ['invoice-pdf', 'Render invoice PDFs with the new tax breakdown'],
        ['3ds-timeout', 'Handle 3-D Secure challenge timeouts gracefully'],
        ['payout-batching', 'Batch payouts per merchant to cut fees'],
        ['vat-ids', 'Validate EU VAT ids at checkout'],
      ],
      outcomes: { closed: 0.05, modified: 0.08, reverted: 0.01, defect: 0.04, defectFixed: 0.9 },
    },
  },
  {
    slug: 'platform',
    name: 'Platform',
    profile: {
      story: 'Burning tokens: long runs with huge contexts and few merges.',
      runsPerDay: 2.2,
      mix: mix(0.36, 0.2, 0.36, 0.06, 0.02),
      tokenScale: 1.4,
      multiAgent: 0.1,
      repos: ['acme/platform', 'acme/infra', 'acme/ci-tools'],
      agents: [
        ['claude-code', 0.5],
        ['codex', 0.3],
        ['custom-bot', 0.2],
      ],
      tasks: [
        ['k8s-upgrade', 'Upgrade the cluster manifests to Kubernetes 1.33'],
        ['flaky-ci', 'Find and fix the flaky integration tests in CI'],
        ['terraform-drift', 'Resolve Terraform drift in the staging account'],
        ['build-cache', 'Make the monorepo build cache hermetic'],
        ['log-pipeline', 'Migrate the log pipeline to OpenTelemetry'],
        ['secrets-rotation', 'Automate rotation of database credentials'],
        ['bazel-migration', 'Migrate ci-tools from Make to Bazel'],
        ['cost-alerts', 'Alert on cloud spend anomalies per service'],
      ],
      outcomes: { closed: 0.12, modified: 0.2, reverted: 0.06, defect: 0.12, defectFixed: 0.75 },
    },
  },
  {
    slug: 'mobile',
    name: 'Mobile',
    profile: {
      story: 'Chatty multi-agent setup: planner, coder and reviewer talk a lot and often ship nothing.',
      runsPerDay: 3.2,
      mix: mix(0.42, 0.15, 0.02, 0.04, 0.37),
      tokenScale: 0.9,
      burnScale: 0.5,
      multiAgent: 0.75,
      repos: ['acme/mobile-app', 'acme/design-system'],
      agents: [
        ['custom-bot', 0.6],
        ['claude-code', 0.4],
      ],
      tasks: [
        ['dark-mode', 'Support dark mode on the settings screens'],
        ['offline-cart', 'Keep the cart usable offline and sync on reconnect'],
        ['push-deeplinks', 'Open the right screen from push notification deep links'],
        ['a11y-labels', 'Add accessibility labels to all icon buttons'],
        ['crash-ios17', 'Fix the launch crash on iOS 17 devices'],
        ['image-cache', 'Cap the image cache size on low-memory Android phones'],
        ['onboarding-v2', 'Build the new three-step onboarding flow'],
      ],
      outcomes: { closed: 0.1, modified: 0.15, reverted: 0.04, defect: 0.1, defectFixed: 0.8 },
    },
  },
  {
    slug: 'search',
    name: 'Search',
    profile: {
      story: 'Stalling and diverging: loops stop improving, tokens climb week over week while merges fall.',
      runsPerDay: 3,
      mix: mix(0.58, 0.2, 0.02, 0.18, 0.02),
      mixEnd: mix(0.18, 0.2, 0.04, 0.56, 0.02),
      tokenScale: 1,
      tokenGrowth: 3.5,
      multiAgent: 0.1,
      repos: ['acme/search', 'acme/indexer', 'acme/ranking'],
      agents: [
        ['codex', 0.6],
        ['claude-code', 0.2],
        ['custom-bot', 0.2],
      ],
      tasks: [
        ['typo-tolerance', 'Improve typo tolerance for short queries'],
        ['synonyms', 'Load synonyms from the catalog team feed'],
        ['ranking-freshness', 'Boost fresh listings in the ranking model'],
        ['index-sharding', 'Reshard the product index without downtime'],
        ['facet-counts', 'Fix wrong facet counts after filtering'],
        ['query-latency', 'Bring p99 query latency under 150 ms'],
        ['autocomplete', 'Personalise autocomplete suggestions'],
      ],
      outcomes: { closed: 0.1, modified: 0.18, reverted: 0.05, defect: 0.12, defectFixed: 0.75 },
    },
  },
  {
    slug: 'growth',
    name: 'Growth',
    profile: {
      story: 'Small and mixed: a handful of runs a day, some good, some not.',
      runsPerDay: 1.2,
      runsTrend: 1.3,
      mix: mix(0.56, 0.3, 0.02, 0.05, 0.07),
      tokenScale: 0.8,
      burnScale: 0.5,
      multiAgent: 0.25,
      repos: ['acme/web', 'acme/experiments'],
      agents: [
        ['claude-code', 0.5],
        ['codex', 0.25],
        ['custom-bot', 0.25],
      ],
      tasks: [
        ['signup-ab', 'Set up the A/B test for the shorter signup form'],
        ['referral-credits', 'Grant referral credits after the first purchase'],
        ['landing-seo', 'Fix SEO metadata on the landing pages'],
        ['email-digest', 'Send the weekly digest email in the user timezone'],
        ['utm-tracking', 'Persist UTM parameters through checkout'],
      ],
      outcomes: { closed: 0.1, modified: 0.2, reverted: 0.05, defect: 0.1, defectFixed: 0.8 },
    },
  },
];
