package io.statetree.spring;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.DerivationCycleException;
import io.statetree.core.DeriveData;
import io.statetree.core.StateController;
import io.statetree.core.StateController.DerivationInfo;
import io.statetree.core.StateView;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Derived @Derived} methods.
 */
class DerivedTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class));

	record User(String name, boolean admin) {
	}

	static class Stats {

		@Derived(path = "/stats/admins", sources = "/users")
		long admins(@Nullable Map<String, User> users) {
			return (users != null) ? users.values().stream().filter(User::admin).count() : 0;
		}

		@Derived(path = "/stats/sum", sources = { "/a", "/b" })
		int sum(@Nullable Integer a, @Nullable Integer b) {
			return ((a != null) ? a : 0) + ((b != null) ? b : 0);
		}

		@Derived(path = "/stats/keys", sources = { "/a", "/b" })
		List<String> present(DeriveData data) {
			return data.sources().stream().filter((source) -> data.get(source.toString()) != null)
				.map(Object::toString).toList();
		}

		@Derived(path = "/greeting")
		String greeting(StateView state) {
			Object name = state.get("/config/name");
			return "Hello " + ((name != null) ? name : "nobody");
		}

	}

	static class Vault {

		@Derived(path = "/stats/next-pin", sources = "/vault/pin")
		int nextPin(@Nullable Integer pin) {
			return (pin != null) ? pin + 1 : 0;
		}

	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aValueThatDoesNotFitTheParameterIsLoggedWithoutQuotingIt(CapturedOutput output) {
		this.runner.withBean("vault", Vault.class).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.set("/vault/pin", "stLEAK123");
			assertThat(controller.get("/stats/next-pin")).isEqualTo(0);
			assertThat(output).contains("/stats/next-pin").contains("/vault/pin").doesNotContain("stLEAK123");
		});
	}

	@Test
	void keepsDerivedValuesCurrent() {
		this.runner.withBean("stats", Stats.class).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			assertThat(controller.get("/stats")).isEqualTo(Map.of("admins", 0, "sum", 0, "keys", List.of()));
			assertThat(controller.get("/greeting")).isEqualTo("Hello nobody");
			controller.set("/users", Map.of("ada", new User("Ada", true), "bob", new User("Bob", false)));
			controller.set("/a", 2);
			controller.set("/b", 3);
			controller.set("/config/name", "Ada");
			assertThat(controller.get("/stats/admins")).isEqualTo(1);
			assertThat(controller.get("/stats/sum")).isEqualTo(5);
			assertThat(controller.get("/stats/keys")).isEqualTo(List.of("/a", "/b"));
			assertThat(controller.get("/greeting")).isEqualTo("Hello Ada");
		});
	}

	@Test
	void listsTheDerivationsWithTheirSources() {
		this.runner.withBean("stats", Stats.class).run((context) -> {
			List<DerivationInfo> derivations = context.getBean(StateController.class).registrations().derivations();
			assertThat(derivations).extracting(DerivationInfo::destination)
				.containsExactlyInAnyOrder("/stats/admins", "/stats/sum", "/stats/keys", "/greeting");
			assertThat(derivations).filteredOn((info) -> info.destination().equals("/stats/sum"))
				.singleElement()
				.satisfies((info) -> assertThat(info.sources()).containsExactly("/a", "/b"));
			assertThat(derivations).filteredOn(DerivationInfo::tracked)
				.singleElement()
				.satisfies((info) -> assertThat(info.destination()).isEqualTo("/greeting"));
		});
	}

	static class VoidDerived {

		@Derived(path = "/x", sources = "/y")
		void derive(Object y) {
		}

	}

	static class CountMismatch {

		@Derived(path = "/x", sources = { "/y", "/z" })
		Object derive(Object y) {
			return y;
		}

	}

	static class NoSources {

		@Derived(path = "/x")
		Object derive(Object y) {
			return y;
		}

	}

	static class InvalidDestination {

		@Derived(path = "/x/*", sources = "/y")
		Object derive(Object y) {
			return y;
		}

	}

	static class ViewAmongSources {

		@Derived(path = "/x", sources = { "/y", "/z" })
		Object derive(Object y, StateView view) {
			return y;
		}

	}

	static class FirstX {

		@Derived(path = "/x", sources = "/y")
		Object derive(@Nullable Object y) {
			return 1;
		}

	}

	static class SecondX {

		@Derived(path = "/x", sources = "/z")
		Object derive(@Nullable Object z) {
			return 2;
		}

	}

	static class YFromX {

		@Derived(path = "/y", sources = "/x")
		Object derive(@Nullable Object x) {
			return 3;
		}

	}

	@Test
	void failsOnAMethodReturningNothing() {
		assertInvalid(VoidDerived.class, "derive(Object)", "must return the value to write at /x");
	}

	@Test
	void failsWhenParametersDoNotMatchSources() {
		assertInvalid(CountMismatch.class, "derive(Object)", "declares 2 source(s) [/y, /z] but takes 1 parameter(s)");
	}

	@Test
	void failsWithoutSourcesOrStateView() {
		assertInvalid(NoSources.class, "derive(Object)", "exactly one StateView parameter");
	}

	@Test
	void failsOnAnInvalidDestination() {
		assertInvalid(InvalidDestination.class, "derive(Object)", "/x/*");
	}

	@Test
	void failsOnAStateViewAmongSources() {
		assertInvalid(ViewAmongSources.class, "derive(Object, StateView)", "must be the only parameter");
	}

	@Test
	void failsWhenTwoMethodsDeriveOnePath() {
		this.runner.withBean("first", FirstX.class).withBean("second", SecondX.class).run((context) -> {
			InvalidStateMethodException failure = StateMethods.invalid(context.getStartupFailure());
			assertThat(failure.getBeanName()).isEqualTo("second");
			assertThat(failure.getReason()).contains("already derived by bean 'first' method");
		});
	}

	@Test
	void failsOnACycleNamingTheMethod() {
		this.runner.withBean("first", FirstX.class).withBean("cyclic", YFromX.class).run((context) -> {
			InvalidStateMethodException failure = StateMethods.invalid(context.getStartupFailure());
			assertThat(failure.getBeanName()).isEqualTo("cyclic");
			assertThat(failure.getCause()).isInstanceOf(DerivationCycleException.class);
			assertThat(failure.getReason()).contains("would form a cycle");
		});
	}

	static class Rounded {

		static final AtomicInteger calls = new AtomicInteger();

		@Derived(path = "/stats/temp", sources = "/sensor/temp", equality = "withinFive")
		int temp(@Nullable Integer temp) {
			calls.incrementAndGet();
			return (temp != null) ? temp : 0;
		}

		@Derived(path = "/stats/view", equality = "withinFive")
		int viewed(StateView state) {
			Integer temp = state.get("/sensor/temp", Integer.class);
			return (temp != null) ? temp * 2 : 0;
		}

	}

	static BiPredicate<@Nullable Object, @Nullable Object> withinFive() {
		return (stored, computed) -> stored instanceof Number s && computed instanceof Number n
				&& Math.abs(s.longValue() - n.longValue()) < 5;
	}

	@Test
	void anEqualityBeanKeepsEqualRecomputationsFromBeingWritten() {
		this.runner.withBean("withinFive", BiPredicate.class, DerivedTest::withinFive)
			.withBean("rounded", Rounded.class)
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				controller.set("/sensor/temp", 20);
				assertThat(controller.get("/stats/temp")).isEqualTo(20);
				assertThat(controller.get("/stats/view")).isEqualTo(40);
				List<Object> heard = new CopyOnWriteArrayList<>();
				controller.subscribe("/stats/**", (event) -> heard.add(event.path() + "=" + event.newValue()));
				int calls = Rounded.calls.get();
				controller.set("/sensor/temp", 22);
				assertThat(Rounded.calls.get()).as("recomputed").isGreaterThan(calls);
				assertThat(controller.get("/stats/temp")).as("equal by the bean: not written").isEqualTo(20);
				assertThat(controller.get("/stats/view")).as("44 is within five of 40").isEqualTo(40);
				controller.set("/sensor/temp", 30);
				assertThat(controller.get("/stats/temp")).isEqualTo(30);
				assertThat(controller.get("/stats/view")).isEqualTo(60);
				await().untilAsserted(() -> assertThat(heard).containsExactlyInAnyOrder("/stats/temp=30", "/stats/view=60"));
			});
	}

	@Test
	void failsWhenTheEqualityBeanIsMissingOrNotABiPredicate() {
		this.runner.withBean("rounded", Rounded.class).run((context) -> {
			InvalidStateMethodException failure = StateMethods.invalid(context.getStartupFailure());
			assertThat(failure.getBeanName()).isEqualTo("rounded");
			assertThat(failure.getReason()).contains("equality bean 'withinFive'");
		});
		this.runner.withBean("withinFive", String.class, () -> "not an equality")
			.withBean("rounded", Rounded.class)
			.run((context) -> {
				InvalidStateMethodException failure = StateMethods.invalid(context.getStartupFailure());
				assertThat(failure.getReason()).contains("equality bean 'withinFive'").doesNotContain("not an equality");
			});
	}

	private void assertInvalid(Class<?> beanClass, String method, String reason) {
		this.runner.withBean("invalid", beanClass).run((context) -> {
			assertThat(context).hasFailed();
			InvalidStateMethodException failure = StateMethods.invalid(context.getStartupFailure());
			assertThat(failure.getBeanName()).isEqualTo("invalid");
			assertThat(failure.getMethodDescription()).isEqualTo(beanClass.getName() + "." + method);
			assertThat(failure.getReason()).contains(reason);
		});
	}

}
