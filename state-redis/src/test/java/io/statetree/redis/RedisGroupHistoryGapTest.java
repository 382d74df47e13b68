package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.statetree.core.LogCapture;
import io.statetree.core.StateController;
import io.statetree.core.SubscribeOptions;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A group further behind than {@code groupHistoryLimit} on Redis (DESIGN §13): it loses the oldest
 * commits it had not handled, goes on, and its "LOST EVENTS" log names exactly the revisions
 * skipped, once per gap, with the partition (breaker 15 finding 12).
 */
@ExtendWith(RedisTestServer.class)
class RedisGroupHistoryGapTest {

	private final List<StateController> controllers = new ArrayList<>();

	@AfterEach
	void closeAll() {
		this.controllers.forEach(StateController::close);
	}

	@Test
	void theLostEventsLogNamesExactlyTheRevisionsSkippedOncePerGap(RedisTestServer redis) {
		StateController a = StateController.builder()
			.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(redis.newNamespace())
				.feedRetention(10).groupHistoryLimit(50).build())
			.instanceId("a")
			.groupClaimTimeout(Duration.ofSeconds(2))
			.build();
		this.controllers.add(a);
		List<Long> handled = new CopyOnWriteArrayList<>();
		CountDownLatch release = new CountDownLatch(1);
		List<String> lines;
		try (LogCapture log = LogCapture.named("io.statetree")) {
			a.subscribe("/a/{id}", (e) -> {
				try {
					release.await(20, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				handled.add(e.revision());
			}, SubscribeOptions.group("g"));
			for (int i = 0; i < 300; i++) {
				a.set("/a/x", i);
			}
			release.countDown();
			await().atMost(Duration.ofSeconds(20)).until(() -> handled.contains(300L));
			lines = log.lines().stream().filter((l) -> l.contains("LOST EVENTS")).toList();
		}
		// the handled revisions increase; each gap (one where the history had moved on while the
		// listener was held, and possibly one before the first event when the partition's reader
		// began only after the history had moved past revision 1) is logged once, in order, by
		// this partition
		List<Gap> expected = new ArrayList<>();
		long last = 0;
		for (long revision : handled) {
			assertThat(revision).as("handled %s", handled).isGreaterThan(last);
			if (revision > last + 1) {
				String skipped = (revision - 1 == last + 1) ? "revision " + (revision - 1)
						: "revisions " + (last + 1) + " through " + (revision - 1);
				expected.add(new Gap(last, skipped, revision));
			}
			last = revision;
		}
		assertThat(expected).as("handled %s", handled).isNotEmpty();
		int partition = Math.floorMod("id=x".hashCode(), RedisConsumerGroups.PARTITIONS);
		List<String> ours = lines.stream().filter((l) -> l.contains("partition " + partition + " ")).toList();
		assertThat(ours).as("log %s, handled %s", lines, handled).hasSameSizeAs(expected);
		for (int i = 0; i < ours.size(); i++) {
			Gap gap = expected.get(i);
			assertThat(ours.get(i)).startsWith("ERROR ")
				.contains("partition " + partition + " had handled the commits through revision " + gap.through() + ",")
				.contains("no longer holds " + gap.skipped() + ":")
				.contains("goes on with revision " + gap.next());
		}
		// every other line is another partition's own gap (those that lagged, not knowing whether the
		// commits held events of theirs): each gap once, a partition's gaps one after the other
		Pattern format = Pattern.compile("ERROR StateTree group 'g' LOST EVENTS: partition (\\d+) had handled the "
				+ "commits through revision (\\d+), but the history no longer holds (?:revision|revisions \\d+ through) "
				+ "(\\d+): .*goes on with revision (\\d+)");
		Map<String, Long> through = new HashMap<>();
		for (String line : lines) {
			Matcher m = format.matcher(line);
			assertThat(m.find()).as(line).isTrue();
			long from = Long.parseLong(m.group(2));
			long to = Long.parseLong(m.group(3));
			assertThat(to).isGreaterThan(from);
			assertThat(Long.parseLong(m.group(4))).isEqualTo(to + 1);
			Long previous = through.put(m.group(1), to);
			assertThat(previous == null || previous <= from).as("gaps of partition %s apart: %s", m.group(1), lines)
				.isTrue();
		}
	}

	/** One gap in the handled revisions: the last handled, the skipped ones as logged, the next handled. */
	private record Gap(long through, String skipped, long next) {
	}

}
