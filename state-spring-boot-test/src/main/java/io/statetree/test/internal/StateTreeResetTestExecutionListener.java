package io.statetree.test.internal;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Resets the tree of a test context that uses {@link io.statetree.test.AutoConfigureStateTree}
 * around every test method; does nothing in other contexts (it never loads a context itself).
 * Registered in {@code META-INF/spring.factories}. Not public API.
 */
public final class StateTreeResetTestExecutionListener implements TestExecutionListener, Ordered {

	@Override
	public int getOrder() {
		// after dependency injection, before transactional tests start their transaction
		return 3_500;
	}

	@Override
	public void beforeTestMethod(TestContext testContext) {
		StateTreeTestReset reset = reset(testContext);
		if (reset != null) {
			reset.beforeTest();
		}
	}

	@Override
	public void afterTestMethod(TestContext testContext) {
		StateTreeTestReset reset = reset(testContext);
		if (reset != null) {
			reset.afterTest();
		}
	}

	private static @org.jspecify.annotations.Nullable StateTreeTestReset reset(TestContext testContext) {
		if (!testContext.hasApplicationContext()) {
			return null;
		}
		ApplicationContext context = testContext.getApplicationContext();
		return context.getBeanProvider(StateTreeTestReset.class).getIfUnique();
	}

}
