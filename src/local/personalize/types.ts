/**
 * The recipe families the stand-in models: three that run batch inference jobs (Trending-Now and
 * Next-Best-Action cannot) and the two USER_SEGMENTATION recipes, which run batch segment jobs only.
 */
export type StandInRecipe = 'USER_PERSONALIZATION' | 'RELATED_ITEMS' | 'PERSONALIZED_RANKING' | SegmentationRecipe;

/** USER_SEGMENTATION recipes: aws-item-affinity and aws-item-attribute-affinity. */
export type SegmentationRecipe = 'ITEM_AFFINITY' | 'ITEM_ATTRIBUTE_AFFINITY';

export const STAND_IN_RECIPES: readonly StandInRecipe[] = ['USER_PERSONALIZATION', 'RELATED_ITEMS', 'PERSONALIZED_RANKING', 'ITEM_AFFINITY', 'ITEM_ATTRIBUTE_AFFINITY'];

export function isSegmentationRecipe(recipe: StandInRecipe): recipe is SegmentationRecipe {
  return recipe === 'ITEM_AFFINITY' || recipe === 'ITEM_ATTRIBUTE_AFFINITY';
}

/** Each family's Personalize recipe (`arn:aws:personalize:::recipe/<name>`), for people and tools reading the catalog. */
export const RECIPE_NAMES: Readonly<Record<StandInRecipe, string>> = Object.freeze({
  USER_PERSONALIZATION: 'aws-user-personalization',
  RELATED_ITEMS: 'aws-similar-items',
  PERSONALIZED_RANKING: 'aws-personalized-ranking',
  ITEM_AFFINITY: 'aws-item-affinity',
  ITEM_ATTRIBUTE_AFFINITY: 'aws-item-attribute-affinity',
});

/** ListSolutionVersions' statuses (service model: CREATE PENDING > CREATE IN_PROGRESS > ACTIVE -or- CREATE FAILED; plus stopping). */
export type SolutionVersionStatus = 'ACTIVE' | 'CREATE PENDING' | 'CREATE IN_PROGRESS' | 'CREATE FAILED' | 'CREATE STOPPING' | 'CREATE STOPPED';

export const SOLUTION_VERSION_STATUSES: readonly SolutionVersionStatus[] = [
  'ACTIVE',
  'CREATE PENDING',
  'CREATE IN_PROGRESS',
  'CREATE FAILED',
  'CREATE STOPPING',
  'CREATE STOPPED',
];

/**
 * A solution version that exists. Its solution is its ARN without the version id
 * (`…:solution/<name>/<id>` belongs to `…:solution/<name>`). Only ACTIVE versions can run jobs.
 */
export interface StandInSolutionVersion {
  arn: string;
  recipe: StandInRecipe;
  /** Default `ACTIVE`. */
  status?: SolutionVersionStatus;
  /** ISO 8601; default: when the stand-in started. */
  creationDateTime?: string;
  /** For `CREATE FAILED`. */
  failureReason?: string;
}

/** A filter removes these items from results. Real filters are expressions; a fixed exclusion list is enough locally. */
export interface StandInFilter {
  arn: string;
  excludeItemIds: string[];
}

/** What the stand-in "trained" on: the solution versions and filters that exist, and the items it can recommend. */
export interface StandInCatalog {
  solutionVersions: StandInSolutionVersion[];
  filters: StandInFilter[];
  itemIds: string[];
  /** Informational (sample data, the CLI): any userId gets recommendations, as cold users do in Personalize. */
  userIds?: string[];
}

/** How long a job spends in each non-terminal status, measured on the stand-in's clock. */
export interface JobDurations {
  pendingMs: number;
  inProgressMs: number;
  /**
   * How long after its output is written the job still reads CREATE IN_PROGRESS. Default 0: the
   * output appears as the job turns ACTIVE. AWS documents no order (UNCONFIRMED), so tests set it
   * to show a run woken by its output before Describe says ACTIVE.
   */
  activeAfterOutputMs?: number;
}

export type BatchInferenceJobMode = 'BATCH_INFERENCE' | 'THEME_GENERATION';

export const BATCH_INFERENCE_JOB_MODES: readonly BatchInferenceJobMode[] = ['BATCH_INFERENCE', 'THEME_GENERATION'];

export interface S3DataConfig {
  path: string;
  kmsKeyArn?: string;
}

export interface BatchInferenceJobConfig {
  itemExplorationConfig?: Record<string, string>;
  rankingInfluence?: Partial<Record<RankingInfluenceType, number>>;
}

export type RankingInfluenceType = 'POPULARITY' | 'FRESHNESS';

export const RANKING_INFLUENCE_TYPES: readonly RankingInfluenceType[] = ['POPULARITY', 'FRESHNESS'];

export interface ThemeGenerationConfig {
  fieldsForThemeGeneration: { itemName: string };
}

export interface Tag {
  tagKey: string;
  tagValue: string;
}

/** A CreateBatchInferenceJob request that passed validation: only modeled members, with their modeled types. */
export interface CreateBatchInferenceJobRequest {
  jobName: string;
  solutionVersionArn: string;
  filterArn?: string;
  numResults?: number;
  jobInput: { s3DataSource: S3DataConfig };
  jobOutput: { s3DataDestination: S3DataConfig };
  roleArn: string;
  batchInferenceJobConfig?: BatchInferenceJobConfig;
  tags?: Tag[];
  batchInferenceJobMode?: BatchInferenceJobMode;
  themeGenerationConfig?: ThemeGenerationConfig;
}

export interface ListSolutionVersionsRequest {
  solutionArn?: string;
  nextToken?: string;
  maxResults: number;
}

/**
 * A CreateBatchSegmentJob request that passed validation: the model's members, which are
 * CreateBatchInferenceJob's without `batchInferenceJobConfig`, `batchInferenceJobMode` and
 * `themeGenerationConfig` (so it is also a valid `CreateBatchInferenceJobRequest` shape).
 */
export type CreateBatchSegmentJobRequest = Omit<CreateBatchInferenceJobRequest, 'batchInferenceJobConfig' | 'batchInferenceJobMode' | 'themeGenerationConfig'>;

/** The job types the stand-in runs; each has its own store, name space and quota. */
export type StandInJobType = 'BATCH_INFERENCE' | 'BATCH_SEGMENT';

export interface ListBatchInferenceJobsRequest {
  solutionVersionArn?: string;
  nextToken?: string;
  maxResults: number;
}

export type JobStatus = 'CREATE PENDING' | 'CREATE IN_PROGRESS' | 'ACTIVE' | 'CREATE FAILED';

/** How a finished job ended. Decided once, when the job is finalized. */
export type JobOutcome = { status: 'ACTIVE' } | { status: 'CREATE FAILED'; failureReason: string };
