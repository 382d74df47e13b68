package io.statetree.spring;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @OnStateChange(group = ...)} methods that cannot be group members fail the start of the
 * application, naming the bean and the method.
 */
class GroupListenerMethodTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class));

	static class SeveralPatterns {

		@OnStateChange(value = { "/users/{id}", "/admins/{id}" }, group = "welcome")
		void changed() {
		}

	}

	static class BadGroupName {

		@OnStateChange(value = "/users/{id}", group = "welcome mail")
		void changed() {
		}

	}

	static class TooLongGroupName {

		@OnStateChange(value = "/users/{id}",
				group = "a123456789b123456789c123456789d123456789e123456789f123456789g123456789h123456789i123456789j123456789k")
		void changed() {
		}

	}

	@Test
	void aGroupMemberWithSeveralPatternsFailsTheStart() {
		assertInvalid(SeveralPatterns.class, "a member of group 'welcome' listens to exactly one pattern",
				"/users/{id}, /admins/{id}");
	}

	@Test
	void aGroupNameThatCannotGoIntoAStorageKeyFailsTheStart() {
		assertInvalid(BadGroupName.class, "'welcome mail'", "letters, digits");
		assertInvalid(TooLongGroupName.class, "101 characters", "at most 100");
	}

	private void assertInvalid(Class<?> beanClass, String... reason) {
		this.runner.withBean("invalid", beanClass).run((context) -> {
			assertThat(context).hasFailed();
			InvalidStateMethodException failure = StateMethods.invalid(context.getStartupFailure());
			assertThat(failure.getBeanName()).isEqualTo("invalid");
			assertThat(failure.getMethodDescription()).isEqualTo(beanClass.getName() + ".changed()");
			assertThat(failure.getReason()).contains(reason);
		});
	}

}
