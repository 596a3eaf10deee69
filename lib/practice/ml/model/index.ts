/**
 * # The practice cluster's anomaly detection model
 *
 * A simplified, honest cousin of Elasticsearch's ml-cpp for one series per detector (ES-ML-REFERENCE.md
 * §10; elastic/ml-cpp `CTimeSeriesDecomposition`, `CAnomalyScore`, `CTools`). Nothing in it knows a
 * date: every component is learned from the data.
 *
 * **Per bucket.** The datafeed's records are summed into the bucket's feature (count, mean, min,
 * max or sum; a summary count weighs pre-aggregated records). Empty buckets count 0 for count
 * functions and have no value for metrics.
 *
 * **Baseline.** expected(t) = level + damped trend + daily(t) + weekly(t). The level and trend
 * follow the deseasonalised data (Holt, a 3 h horizon before any period is known, 12 h after). The
 * periodic components are *detected*: at 3.5 days of data (ml-cpp's first test for a 15 m bucket:
 * 336 values) a 24 h profile is estimated from the detrended history and kept when an F-test says
 * it explains the variance (p < 0.001) and explains at least 10 % of it; from two weeks on (re-tested
 * weekly) a 7-day profile at hourly resolution on top of the daily one is tested the same way
 * (≥ 5 % more explained). Adopting a component re-fits the level and the noise on the retained
 * history (four weeks). The profiles keep learning afterwards, smoothly, from every bucket.
 *
 * **Residual distribution.** The noise variance is fitted to the data as var(e) = c0 + c1·e + c2·e²
 * (non-negative least squares on the squared residuals of well-behaved buckets, refitted daily);
 * for counts this is Poisson-like noise plus a multiplicative part, and it never falls below the
 * Poisson variance's half or 1. Right after a structural change the variance is widened (parameter
 * uncertainty) and narrows over about a day — which is why the bounds are wide for the first days.
 * Probabilities use a Student-t with 4 degrees of freedom at that variance: heavier tails than the
 * normal, so the largest of thousands of ordinary buckets stays "unusual", not "impossible".
 *
 * **Model bounds** (model plot `model_lower/upper`) are the 95 % interval of that distribution,
 * `model_median`/`typical` the expected value.
 *
 * **Probability per bucket** = the smaller of the single-bucket tail probability and the
 * multi-bucket one (the mean of the last 12 standardised residuals against its own learned
 * variance, as ml-cpp's 12-bucket feature); `multi_bucket_impact` says which dominated (−5…+5).
 * `high_*` functions only score values above, `low_*` below. Anomalous buckets barely teach the
 * model (weight = min(1, p / 0.01)); a shift that lasts a day with consistent halves moves the level.
 *
 * **Scores** (./scores.ts): raw score from the probability as `CTools::anomalyScore`, then the four
 * ceilings of `CNormalizer` over the job's history — noise, percentile, maximum and the probability
 * cap. Records are written below p = 0.035. Each result keeps its initial score; the job renormalises
 * results of the last max(30 days, 100 buckets) when new data arrive (`record_score` ≤
 * `initial_record_score` once a bigger anomaly comes).
 *
 * **Tested** (./model.test.ts): planted spikes, dips and outages on dates drawn at random are the
 * top results of their runs; eight weeks of clean seasonal series after two weeks of learning give no
 * score of 75 or more; a lasting level change is learned within two days; on the generated
 * flights.csv Thanksgiving 2017-11-23 scores highest.
 */
export { BucketDetector, baseFunction, DETECTOR_FUNCTIONS, type BucketInput, type BucketResult, type DetectorFunction } from './detector';
export { anomalyScoreFromLogP, logProbabilityFromScore, MAXIMUM_ANOMALOUS_PROBABILITY, ScoreNormalizer } from './scores';
export { SeriesModel, type ModelState, type Outcome, type Prediction, type Side } from './series-model';
