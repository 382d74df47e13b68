package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limit of listener failure logging: the first failure in full, then at most one
 * summary per interval, whose counts add up to every failure.
 */
class FailureLogTest {

	private static final long INTERVAL = TimeUnit.SECONDS.toNanos(10);

	@Test
	void aThousandFailuresOverTwentyFiveSecondsGiveOneTraceAndTwoSummaries() {
		long[] now = { 0 };
		FailureLog log = new FailureLog(INTERVAL, () -> now[0]);
		List<Long> lines = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			long decision = log.record();
			if (decision != FailureLog.QUIET) {
				lines.add(decision);
			}
			now[0] += TimeUnit.MILLISECONDS.toNanos(25);
		}
		assertThat(lines).containsExactly(FailureLog.LOG_FULL, 400L, 400L);
	}

	@Property(tries = 200)
	void summariesAreRareAndCountEveryFailure(@ForAll @IntRange(min = 1, max = 3_000) int failures,
			@ForAll @IntRange(min = 0, max = 200) int millisBetween) {
		long[] now = { 0 };
		FailureLog log = new FailureLog(INTERVAL, () -> now[0]);
		int full = 0;
		int summaries = 0;
		long counted = 0;
		for (int i = 0; i < failures; i++) {
			long decision = log.record();
			if (decision == FailureLog.LOG_FULL) {
				full++;
			}
			else if (decision > 0) {
				summaries++;
				counted += decision;
			}
			now[0] += TimeUnit.MILLISECONDS.toNanos(millisBetween);
		}
		long elapsed = (long) (failures - 1) * millisBetween;
		assertThat(full).isEqualTo(1);
		assertThat(summaries).isLessThanOrEqualTo((int) (elapsed / 10_000));
		// what is not yet summarised is at most the failures of the last interval
		assertThat(failures - 1 - counted).isBetween(0L, (long) failures);
		if (summaries > 0) {
			assertThat(counted).isGreaterThan(0);
		}
	}

}
