import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";

/**
 * The estimator, loaded on its own chunk when the invitee starts typing. The common-password
 * lists and English wording only: the English word lists (names, Wikipedia) would triple the
 * download for an advisory meter; the server's check has the full dictionaries.
 */
const factory = new ZxcvbnFactory({
  dictionary: { ...common.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
});

export type Strength = { score: 0 | 1 | 2 | 3 | 4; warning: string; suggestion: string };

export function estimate(password: string, aboutThem: string[]): Strength {
  const result = factory.check(password, aboutThem);
  return {
    score: result.score,
    warning: result.feedback.warning ?? "",
    suggestion: result.feedback.suggestions[0] ?? "",
  };
}
