package io.statetree.spring;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @OnStateChange(group = ...)} methods: a member handles each event of its group once and
 * leaves the group with its bean; methods that cannot be group members fail the start of the
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

	static class Welcome {

		final Map<String, Integer> handled = new ConcurrentHashMap<>();

		final Map<String, List<Integer>> values = new ConcurrentHashMap<>();

		@OnStateChange(value = "/users/{id}", group = "welcome")
		void welcome(@PathVar("id") String id, int value) {
			this.handled.merge(id, 1, Integer::sum);
			this.values.computeIfAbsent(id, (key) -> new CopyOnWriteArrayList<>()).add(value);
		}

	}

	static class OtherPattern {

		@OnStateChange(value = "/admins/{id}", group = "welcome")
		void changed() {
		}

	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "async" })
	void aGroupMemberHandlesEachEventOnceInOrderAndLeavesTheGroupWithItsBean(String dispatch) {
		ApplicationContextRunner runner = this.runner.withPropertyValues("statetree.listeners.dispatch=" + dispatch)
			.withBean("welcome", Welcome.class);
		runner.run((context) -> {
			StateController controller = context.getBean(StateController.class);
			Welcome welcome = context.getBean(Welcome.class);
			for (int i = 0; i < 20; i++) {
				controller.set("/users/u" + (i % 5), i);
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> welcome.handled.values().stream().mapToInt(Integer::intValue).sum() == 20);
			assertThat(welcome.handled).containsOnlyKeys("u0", "u1", "u2", "u3", "u4")
				.allSatisfy((id, count) -> assertThat(count).isEqualTo(4));
			// one key's events one at a time, in revision order: u1 was written 1, 6, 11, 16
			assertThat(welcome.values.get("u1")).containsExactly(1, 6, 11, 16);
			assertThat(controller.groups()).singleElement().satisfies((group) -> {
				assertThat(group.group()).isEqualTo("welcome");
				assertThat(group.members()).hasSize(1);
			});
			((DefaultListableBeanFactory) context.getBeanFactory()).destroySingleton("welcome");
			assertThat(controller.groups()).allSatisfy((group) -> assertThat(group.members()).isEmpty());
		});
	}

	@Test
	void aSecondMemberWithAnotherPatternFailsTheStart() {
		this.runner.withBean("welcome", Welcome.class).withBean("invalid", OtherPattern.class).run((context) -> {
			assertThat(context).hasFailed();
			InvalidStateMethodException failure = StateMethods.invalid(context.getStartupFailure());
			assertThat(failure.getBeanName()).isEqualTo("invalid");
			assertThat(failure.getReason()).contains("group 'welcome'").contains("/users/{id}").contains("/admins/{id}");
		});
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
