package io.statetree.actuate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.statetree.core.StateController.GroupStatus;
import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StateTreeGroupMetrics}: one counter per group callback, tagged with the group,
 * and the pending gauge read from the controller's groups at most once a second.
 */
class StateTreeGroupMetricsTest {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final AtomicLong pending = new AtomicLong(7);

	private final AtomicInteger reads = new AtomicInteger();

	private final StateTreeGroupMetrics metrics = new StateTreeGroupMetrics(this.registry, () -> {
		this.reads.incrementAndGet();
		return List.of(new GroupStatus("billing", List.of("a/b"), this.pending.get(), 0),
				new GroupStatus("mail", List.of(), 3, 1));
	});

	@Test
	void countsEachCallbackPerGroup() {
		StatePath path = StatePath.of("/orders/1");
		this.metrics.onGroupHandled("billing", path, Duration.ofMillis(3));
		this.metrics.onGroupHandled("billing", path, Duration.ofMillis(3));
		this.metrics.onGroupHandled("mail", path, Duration.ofMillis(3));
		this.metrics.onGroupRetried("billing", path, new IllegalStateException("boom"));
		this.metrics.onGroupDeadLettered("billing", path);
		this.metrics.onGroupClaimed("billing", 3);
		this.metrics.onGroupClaimed("billing", 4);
		this.metrics.onGroupClaimed("billing", 5);
		this.metrics.onGroupLateAcknowledgement("billing", 3);
		assertThat(count("statetree.groups.handled", "billing")).isEqualTo(2);
		assertThat(count("statetree.groups.handled", "mail")).isEqualTo(1);
		assertThat(count("statetree.groups.retried", "billing")).isEqualTo(1);
		assertThat(count("statetree.groups.dead.letters", "billing")).isEqualTo(1);
		assertThat(count("statetree.groups.claimed", "billing")).isEqualTo(3);
		assertThat(count("statetree.groups.late.acknowledgements", "billing")).isEqualTo(1);
		assertThat(count("statetree.groups.retried", "mail")).isZero();
	}

	@Test
	void thePendingGaugeAppearsWithTheGroupAndReadsTheControllerAtMostOnceASecond() {
		assertThat(this.registry.find("statetree.groups.pending").gauges()).isEmpty();
		this.metrics.onGroupClaimed("billing", 0);
		this.metrics.onGroupClaimed("mail", 0);
		assertThat(gauge("billing")).isEqualTo(7);
		this.pending.set(9);
		assertThat(gauge("billing")).isEqualTo(7);
		assertThat(gauge("mail")).isEqualTo(3);
		assertThat(this.reads).hasValue(1);
	}

	@Test
	void thePendingGaugeIsUnknownWhileTheBackendCannotBeRead() {
		StateTreeGroupMetrics failing = new StateTreeGroupMetrics(this.registry, () -> {
			throw new StateStorageException("Redis is down");
		});
		failing.onGroupClaimed("billing", 0);
		assertThat(gauge("billing")).isNaN();
	}

	@Test
	void aGroupTheControllerNoLongerListsReadsAsUnknown() {
		this.metrics.onGroupClaimed("gone", 0);
		assertThat(gauge("gone")).isNaN();
	}

	private double count(String name, String group) {
		io.micrometer.core.instrument.Counter counter = this.registry.find(name).tag("group", group).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double gauge(String group) {
		return this.registry.get("statetree.groups.pending").tag("group", group).gauge().value();
	}

}
