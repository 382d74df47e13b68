package io.statetree.redis;

import io.statetree.core.Computed;
import io.statetree.core.StateController;
import io.statetree.core.fix16.AsyncValueAtCall;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Finding 1 of issue 16 as a property on Redis: a random mutable value passed to each async write
 * method and changed right after the call is stored and heard as it was at the call, on the
 * non-blocking path and, with a computed value open, on the synchronous path on the executor.
 */
class Fix16RedisAsyncValueAtCallPropertiesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("fix16-value-at-call");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Property(tries = 100)
	void aValueChangedAfterAnAsyncWriteIsWrittenAndHeardAsAtTheCall(@ForAll AsyncValueAtCall.Method method,
			@ForAll StateController.Dispatch dispatch, @ForAll boolean computedOpen,
			@ForAll @IntRange(min = 0, max = 3) int path, @ForAll long seed) {
		try (StateController c = StateController.builder().backend(REDIS.newBackend()).dispatch(dispatch).build();
				Computed<Object> open = computedOpen ? c.computed((view) -> view.get("/other")) : null) {
			if (open != null) {
				open.get();
			}
			AsyncValueAtCall.check(c, "/m/p" + path, method, seed);
		}
	}

}
