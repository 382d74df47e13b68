package io.statetree.test;

import io.statetree.core.StateController;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit extension that gives each test method a fresh in-memory {@link StateController}
 * (synchronous dispatch, the default) and a {@link StateTreeTestEvents} recording its events,
 * both injected as parameters of test and lifecycle methods ({@code @BeforeEach} included) and
 * closed after the test. No Spring needed:
 *
 * <pre class="code">
 * &#64;ExtendWith(StateTreeExtension.class)
 * class CartTest {
 *
 *     &#64;Test
 *     void addsItems(StateController state, StateTreeTestEvents events) {
 *         new Cart(state).add("apple");
 *         assertThat(events.awaitEvent("/cart/*", Duration.ofSeconds(1)).newValue()).isEqualTo(1);
 *     }
 * }
 * </pre>
 */
public final class StateTreeExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(StateTreeExtension.class);

	@Override
	public void beforeEach(ExtensionContext context) {
		tree(context);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		Tree tree = context.getStore(NAMESPACE).remove(Tree.class, Tree.class);
		if (tree != null) {
			tree.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		Class<?> type = parameter.getParameter().getType();
		return type == StateController.class || type == StateTreeTestEvents.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		if (context.getTestMethod().isEmpty()) {
			throw new ParameterResolutionException("StateTreeExtension gives a StateController to test methods and "
					+ "their @BeforeEach / @AfterEach methods only, not to " + parameter.getDeclaringExecutable());
		}
		Tree tree = tree(context);
		return (parameter.getParameter().getType() == StateController.class) ? tree.controller : tree.events;
	}

	private static Tree tree(ExtensionContext context) {
		return context.getStore(NAMESPACE).computeIfAbsent(Tree.class, (key) -> new Tree(), Tree.class);
	}

	/** One test's tree and its recorded events; closed by the store or after the test. */
	private static final class Tree implements AutoCloseable {

		final StateController controller = StateController.create();

		final StateTreeTestEvents events = StateTreeTestEvents.record(this.controller);

		private boolean closed;

		@Override
		public synchronized void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			try {
				this.events.close();
			}
			finally {
				this.controller.close();
			}
		}

	}

}
