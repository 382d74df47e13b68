package io.statetree.core;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.awaitility.pollinterval.IterativePollInterval;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Awaitility's defaults for every test JVM that has this module's tests on its class path (this
 * module and, through the test jar, state-redis), whatever the engine (Jupiter, jqwik, TestNG):
 * registered in {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 * <p>
 * Awaitility's own defaults first look after 100 ms and then every 100 ms, so a wait for
 * something already true took 100 ms: a property checking hundreds of watches spent most of its
 * time there. Here the first look is at once and the interval grows from 5 ms, doubling up to
 * the old 100 ms, so a long wait polls as before and a short one ends when its condition holds.
 * Timeouts ({@code atMost}) and {@code during} periods are the tests' own and do not change; a
 * test that sets its own poll delay or interval keeps it.
 */
public final class AwaitilityPollDefaults implements LauncherSessionListener {

	/** The longest interval: Awaitility's own default. */
	private static final Duration MAX_INTERVAL = Duration.ofMillis(100);

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		Awaitility.setDefaultPollDelay(Duration.ZERO);
		Awaitility.setDefaultPollInterval(new IterativePollInterval(
				(previous) -> (previous.compareTo(MAX_INTERVAL.dividedBy(2)) >= 0) ? MAX_INTERVAL : previous.multipliedBy(2),
				Duration.ofMillis(5)));
	}

}
