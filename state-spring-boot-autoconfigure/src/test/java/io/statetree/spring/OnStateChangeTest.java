package io.statetree.spring;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import io.statetree.core.StateController.ListenerInfo;
import io.statetree.core.StateEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OnStateChange @OnStateChange} methods: every way of binding parameters, the
 * condition, ids and descriptions, and methods that cannot be bound.
 */
class OnStateChangeTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class))
		.withPropertyValues("statetree.listeners.on-error=rethrow");

	record User(String name, int age) {
	}

	static class Calls {

		final List<Object> calls = new CopyOnWriteArrayList<>();

		void add(@Nullable Object... values) {
			this.calls.add((values.length == 1) ? values[0] : java.util.Arrays.asList(values));
		}

	}

	static class EventListener extends Calls {

		@OnStateChange("/users/*")
		void changed(StateEvent event) {
			add(event.path().toString(), event.emittingPath().toString(), event.prevValue(), event.newValue());
		}

	}

	@Test
	void bindsTheEvent() {
		this.runner.withBean("listener", EventListener.class).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.set("/users/1", Map.of("name", "Ada"));
			controller.set("/users/1/name", "Grace");
			assertThat(context.getBean(EventListener.class).calls).containsExactly(
					java.util.Arrays.asList("/users/1", "/users/1", null, Map.of("name", "Ada")),
					java.util.Arrays.asList("/users/1", "/users/1/name", "Ada", "Grace"));
		});
	}

	static class ManyMethods extends Calls {

		@OnStateChange("/n")
		void delta() {
			add("delta");
		}

		@OnStateChange("/n")
		void alpha() {
			add("alpha");
		}

		@OnStateChange("/n")
		void charlie() {
			add("charlie");
		}

		@OnStateChange("/n")
		void bravo() {
			add("bravo");
		}

		@Derived(path = "/derived/zulu", sources = "/n")
		int zulu(@Nullable Integer n) {
			return (n != null) ? n : 0;
		}

		@Derived(path = "/derived/yankee", sources = "/n")
		int yankee(@Nullable Integer n) {
			return (n != null) ? n : 0;
		}

	}

	@Test
	void aBeansMethodsRegisterInNameOrderWhateverOrderTheJvmReportsThem() {
		this.runner.withBean("listener", ManyMethods.class).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.set("/n", 1);
			assertThat(context.getBean(ManyMethods.class).calls).containsExactly("alpha", "bravo", "charlie", "delta");
			assertThat(controller.childNames("/derived")).containsExactly("yankee", "zulu");
		});
	}

	static class TypedListener extends Calls {

		@OnStateChange("/users/{id}")
		void changed(@PathVar("id") long id, @OldValue @Nullable User before, @Nullable User after) {
			add(id, before, after);
		}

	}

	@Test
	void bindsPathVariablesOldAndNewValuesConverted() {
		this.runner.withBean("listener", TypedListener.class).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.set("/users/7", new User("Ada", 36));
			controller.set("/users/7", new User("Ada", 37));
			controller.delete("/users/7");
			assertThat(context.getBean(TypedListener.class).calls).containsExactly(
					java.util.Arrays.asList(7L, null, new User("Ada", 36)),
					List.of(7L, new User("Ada", 36), new User("Ada", 37)),
					java.util.Arrays.asList(7L, new User("Ada", 37), null));
		});
	}

	static class NamedPathVariableListener extends Calls {

		@OnStateChange("/teams/{team}/members/{member}")
		void changed(@PathVar String team, @PathVar("member") String who) {
			add(team, who);
		}

	}

	@Test
	void takesThePathVariableNameFromTheParameter() {
		this.runner.withBean("listener", NamedPathVariableListener.class).run((context) -> {
			context.getBean(StateController.class).set("/teams/red/members/ada", true);
			assertThat(context.getBean(NamedPathVariableListener.class).calls).containsExactly(List.of("red", "ada"));
		});
	}

	static class GenericListener extends Calls {

		@OnStateChange("/users")
		void changed(Map<String, User> users) {
			add(users);
		}

	}

	@Test
	void convertsToGenericTypes() {
		this.runner.withBean("listener", GenericListener.class).run((context) -> {
			context.getBean(StateController.class).set("/users", Map.of("a", Map.of("name", "Ada", "age", 36)));
			assertThat(context.getBean(GenericListener.class).calls)
				.containsExactly(Map.of("a", new User("Ada", 36)));
		});
	}

	static class NoArgumentListener extends Calls {

		@OnStateChange({ "/a", "/b/**" })
		void changed() {
			add("called");
		}

	}

	@Test
	void listensToSeveralPatternsWithoutParameters() {
		this.runner.withBean("listener", NoArgumentListener.class).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.set("/a", 1);
			controller.set("/b/c/d", 1);
			controller.set("/c", 1);
			assertThat(context.getBean(NoArgumentListener.class).calls).containsExactly("called", "called");
		});
	}

	static class ConditionalListener extends Calls {

		@OnStateChange(value = "/users/{id}", condition = "#event.newValue() != null and pathVariables['id'] != 'root'")
		void changed(@PathVar("id") String id) {
			add(id);
		}

		@OnStateChange(value = "/flags/*", condition = "@gate.open", id = "gated")
		void gated(StateEvent event) {
			add("gated:" + event.path());
		}

	}

	static class Gate {

		boolean open;

		public boolean isOpen() {
			return this.open;
		}

	}

	@Test
	void callsOnlyWhenTheConditionHolds() {
		this.runner.withBean("listener", ConditionalListener.class).withBean("gate", Gate.class).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.set("/users/1", 1);
			controller.set("/users/root", 1);
			controller.delete("/users/1");
			controller.set("/flags/a", true);
			context.getBean(Gate.class).open = true;
			controller.set("/flags/b", true);
			assertThat(context.getBean(ConditionalListener.class).calls).containsExactly("1", "gated:/flags/b");
		});
	}

	@Test
	void registersWithIdsAndDescriptionsNamingTheBeanMethod() {
		this.runner.withBean("listener", ConditionalListener.class).withBean("gate", Gate.class).run((context) -> {
			List<ListenerInfo> listeners = context.getBean(StateController.class).registrations().listeners();
			assertThat(listeners).extracting(ListenerInfo::pattern, ListenerInfo::id)
				.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("/users/{id}", "listener#changed"),
						org.assertj.core.groups.Tuple.tuple("/flags/*", "gated"));
			assertThat(listeners).allSatisfy((info) -> assertThat(info.description())
				.startsWith("bean 'listener' method " + ConditionalListener.class.getName() + "."));
			assertThat(listeners).anySatisfy(
					(info) -> assertThat(info.description()).endsWith(".gated(StateEvent)"));
		});
	}

	@Test
	void aListenerCanBeResubscribedById() {
		this.runner.withBean("listener", NoArgumentListener.class).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.subscribeById("/extra", "listener#changed");
			controller.set("/extra", 1);
			assertThat(context.getBean(NoArgumentListener.class).calls).containsExactly("called");
		});
	}

	static class ThrowingListener {

		@OnStateChange("/a")
		void changed(int value) {
			throw new IllegalArgumentException("rejected " + value);
		}

	}

	@Test
	void whatTheMethodThrowsReachesTheController() {
		this.runner.withBean("listener", ThrowingListener.class).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
				.isThrownBy(() -> controller.set("/a", 5))
				.withMessage("rejected 5");
		});
	}

	@Test
	void anAbsentValueCannotBindToAPrimitive() {
		this.runner.withBean("listener", ThrowingListener.class).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.set("/b", 1);
			org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
				.isThrownBy(() -> controller.ping("/a"))
				.withMessageContaining("/a is absent")
				.withMessageContaining("int");
		});
	}

	// ---- methods that cannot be bound ----

	static class TwoNewValues {

		@OnStateChange("/a")
		void changed(String one, String two) {
		}

	}

	static class UnknownVariable {

		@OnStateChange({ "/users/{id}", "/admins/{name}" })
		void changed(@PathVar("id") String id) {
		}

	}

	static class InvalidPattern {

		@OnStateChange("/users/{id")
		void changed() {
		}

	}

	static class NoPattern {

		@OnStateChange
		void changed() {
		}

	}

	static class InvalidCondition {

		@OnStateChange(value = "/a", condition = "#event.(")
		void changed() {
		}

	}

	static class BothAnnotations {

		@OnStateChange("/a/{id}")
		void changed(@PathVar("id") @OldValue String id) {
		}

	}

	static class UnconvertibleVariable {

		@OnStateChange("/a/{id}")
		void changed(@PathVar("id") Runnable id) {
		}

	}

	static class DuplicateIdOne {

		@OnStateChange(value = "/a", id = "same")
		void changed() {
		}

	}

	static class DuplicateIdTwo {

		@OnStateChange(value = "/b", id = "same")
		void changed() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeConfiguration {

		@Bean
		@Scope("prototype")
		NoArgumentListener prototypeListener() {
			return new NoArgumentListener();
		}

	}

	@Test
	void failsOnTwoNewValueParameters() {
		assertInvalid(TwoNewValues.class, "changed(String, String)", "only one parameter can receive the new value");
	}

	@Test
	void failsOnAPathVariableMissingFromAPattern() {
		assertInvalid(UnknownVariable.class, "changed(String)", "'id', which pattern /admins/{name} does not declare");
	}

	@Test
	void failsOnAnInvalidPattern() {
		assertInvalid(InvalidPattern.class, "changed()", "/users/{id");
	}

	@Test
	void failsWithoutPattern() {
		assertInvalid(NoPattern.class, "changed()", "declares no pattern");
	}

	@Test
	void failsOnAnInvalidCondition() {
		assertInvalid(InvalidCondition.class, "changed()", "not a valid SpEL expression");
	}

	@Test
	void failsOnAParameterWithBothAnnotations() {
		assertInvalid(BothAnnotations.class, "changed(String)", "both @PathVar and @OldValue");
	}

	@Test
	void failsOnAPathVariableOfAnUnconvertibleType() {
		assertInvalid(UnconvertibleVariable.class, "changed(Runnable)", "no converter");
	}

	@Test
	void failsOnADuplicateId() {
		this.runner.withBean("one", DuplicateIdOne.class).withBean("two", DuplicateIdTwo.class).run((context) -> {
			InvalidStateMethodException failure = StateMethods.invalid(context.getStartupFailure());
			assertThat(failure.getBeanName()).isEqualTo("two");
			assertThat(failure.getReason()).contains("'same' is already in use");
		});
	}

	@Test
	void failsOnAPrototypeBean() {
		this.runner.withUserConfiguration(PrototypeConfiguration.class).run((context) -> {
			context.getBean(StateController.class);
			org.assertj.core.api.Assertions.assertThatException()
				.isThrownBy(() -> context.getBean("prototypeListener"))
				.satisfies((ex) -> assertThat(StateMethods.invalid(ex).getReason()).contains("'prototype'"));
		});
	}

	private void assertInvalid(Class<?> beanClass, String method, String reason) {
		this.runner.withBean("invalid", beanClass).run((context) -> {
			assertThat(context).hasFailed();
			InvalidStateMethodException failure = StateMethods.invalid(context.getStartupFailure());
			assertThat(failure.getBeanName()).isEqualTo("invalid");
			assertThat(failure.getMethodDescription()).isEqualTo(beanClass.getName() + "." + method);
			assertThat(failure.getReason()).contains(reason);
			assertThat(failure.getMessage()).contains("bean 'invalid'").contains(method);
		});
	}

}
