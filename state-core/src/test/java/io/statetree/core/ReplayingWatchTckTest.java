package io.statetree.core;

import java.util.concurrent.Flow;

/**
 * The Reactive Streams TCK against {@link StateController#watch(String, long)}: the first
 * elements (up to five) are commits made before the watch, replayed from the history; the rest
 * are written on demand and arrive live, as in {@link WatchPublisherTckTest}.
 */
public class ReplayingWatchTckTest extends WatchPublisherTckTest {

	@Override
	protected Flow.Publisher<StateEvent> watch(StateController controller, long start) {
		return controller.watch(PATH, start);
	}

	@Override
	protected long replayedElements(long elements) {
		return Math.min(elements, 5);
	}

}
