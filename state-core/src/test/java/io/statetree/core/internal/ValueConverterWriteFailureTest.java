package io.statetree.core.internal;

import io.statetree.core.StateController;
import io.statetree.core.StateValueException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The exception a user catches when a written value cannot be converted: one
 * {@link StateValueException} naming the type and the path, whose cause is the real failure
 * (Jackson's exception) or none for a rule of the model, never a copy of itself.
 */
class ValueConverterWriteFailureTest {

	private final StateController state = StateController.create();

	@AfterEach
	void close() {
		this.state.close();
	}

	/** A bean Jackson cannot write: its getter throws. */
	public static final class Broken {

		public String getName() {
			throw new IllegalStateException("no name yet");
		}

	}

	@Test
	void aValueJacksonCannotWriteHasJacksonsExceptionAsItsCause() {
		assertThatThrownBy(() -> this.state.set("/users/bob", new Broken()))
			.isInstanceOfSatisfying(StateValueException.class, (ex) -> {
				assertThat(ex.getMessage()).startsWith("Cannot write value of type " + Broken.class.getName()
						+ " at /users/bob: ");
				assertThat(ex.getCause()).isInstanceOf(JacksonException.class);
				assertNoStateValueExceptionBelow(ex);
				assertThat(ex.getCause().getCause()).isInstanceOf(IllegalStateException.class);
			});
		assertThat(this.state.get("/users")).isNull();
	}

	@Test
	void aValueBreakingAModelRuleHasNoCause() {
		assertThatThrownBy(() -> this.state.set("/ratio", Double.NaN))
			.isInstanceOfSatisfying(StateValueException.class, (ex) -> {
				assertThat(ex.getMessage()).startsWith("Cannot write value of type java.lang.Double at /ratio: ");
				assertThat(ex.getCause()).isNull();
				assertThat(ex.getStackTrace()).as("where the rule failed")
					.anyMatch((frame) -> frame.getClassName().startsWith("io.statetree.core.backend."));
			});
		assertThat(this.state.get("/ratio")).isNull();
	}

	private static void assertNoStateValueExceptionBelow(StateValueException ex) {
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			assertThat(cause).isNotInstanceOf(StateValueException.class);
		}
	}

}
