/**
 * @module test/reliability/reviewer-side
 * Everything the soak needs for its reviewer side, in one handle: the channels (Slack
 * double, SMTP capture, accounts file), the index of what the instances sent to them, the
 * reviewer deciding by every path, and the end-of-run checks of the channels.
 */

import { type ReviewerChannels, startReviewerChannels } from "./reviewer-channels.js";
import { type ChannelVerdict, checkReviewerChannels } from "./reviewer-checks.js";
import { createReviewerPaths, type ReviewerPaths } from "./reviewer-paths.js";
import { indexReviewerTraffic, type ReviewerTraffic } from "./reviewer-traffic.js";

/** The reviewer side of one run. */
export interface ReviewerSide {
  channels: ReviewerChannels;
  traffic: ReviewerTraffic;
  paths: ReviewerPaths;
  /** Checks the channels of a finished run (see reviewer-checks.ts). */
  check(options: {
    repairStale: boolean;
    /** Actions whose messages are not checked (four-eyes actions: updated per approval). */
    skip?: (actionId: string) => boolean;
  }): Promise<ChannelVerdict>;
  close(): Promise<void>;
}

/**
 * Starts the reviewer side; `urls` are the `/api` URLs of the live instances, `databaseUrl`
 * their database.
 */
export async function startReviewerSide(
  urls: () => string[],
  databaseUrl: string,
  random: () => number,
): Promise<ReviewerSide> {
  const channels = await startReviewerChannels();
  const traffic = indexReviewerTraffic(channels);
  const paths = createReviewerPaths({ channels, traffic, urls, random, databaseUrl });
  return {
    channels,
    traffic,
    paths,
    check: (options) => checkReviewerChannels({ databaseUrl, paths, traffic, urls, ...options }),
    async close() {
      await paths.close();
      await channels.close();
    },
  };
}
