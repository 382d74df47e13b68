package io.statetree.spring;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.support.ApplicationObjectSupport;
import org.springframework.core.annotation.AliasFor;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the cheap search for annotated methods (which skips classes of the JDK, the Spring
 * container and libraries) still finds every method an application declares, including on classes
 * that extend a Spring class, through interfaces and composed annotations, in a fixed order.
 */
class StateMethodFinderTest {

	/** An application class that extends a Spring class: its name decides, not its superclass's. */
	static class SpringSubclass extends ApplicationObjectSupport {

		final List<Object> heard = new CopyOnWriteArrayList<>();

		@OnStateChange("/flags/*")
		void flag(String value) {
			this.heard.add(value);
		}

	}

	interface Listening {

		@OnStateChange("/a")
		void a();

	}

	static class ThroughInterface implements Listening {

		@Override
		public void a() {
		}

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@OnStateChange
	@interface OnUsers {

		@AliasFor(annotation = OnStateChange.class, attribute = "value")
		String[] value() default "/users/*";

	}

	static class Mixed {

		@OnUsers
		void zeta() {
		}

		@OnStateChange("/b")
		void alpha() {
		}

		@Derived(path = "/count", sources = "/users")
		int count(Map<String, Object> users) {
			return users.size();
		}

		@Derived(path = "/names", sources = "/users")
		int names(Map<String, Object> users) {
			return users.size();
		}

		void plain() {
		}

	}

	@Test
	void classesOfTheJdkSpringAndLibrariesAreNotSearched() {
		assertThat(StateMethodFinder.mayDeclare(String.class)).isFalse();
		assertThat(StateMethodFinder.mayDeclare(StandardEnvironment.class)).isFalse();
		assertThat(StateMethodFinder.mayDeclare(SimpleAsyncTaskExecutor.class)).isFalse();
		assertThat(StateMethodFinder.mayDeclare(JsonMapper.class)).isFalse();
		assertThat(StateMethodFinder.mayDeclare(SpringSubclass.class)).isTrue();
		assertThat(StateMethodFinder.mayDeclare(Mixed.class)).isTrue();
	}

	@Test
	void findsMethodsOfApplicationClassesThroughInterfacesAndComposedAnnotationsInNameOrder() throws Exception {
		StateMethodFinder finder = new StateMethodFinder();
		StateMethodFinder.Found mixed = finder.find(Mixed.class);
		assertThat(mixed.listeners().keySet()).extracting(Method::getName).containsExactly("alpha", "zeta");
		assertThat(mixed.listeners().get(Mixed.class.getDeclaredMethod("zeta")).value()).containsExactly("/users/*");
		assertThat(mixed.derived().keySet()).extracting(Method::getName).containsExactly("count", "names");
		assertThat(finder.find(ThroughInterface.class).listeners().keySet()).extracting(Method::getName)
			.containsExactly("a");
		assertThat(finder.find(SpringSubclass.class).listeners()).hasSize(1);
	}

	@Test
	void aClassWithoutMethodsIsFoundEmptyEveryTime() {
		StateMethodFinder finder = new StateMethodFinder();
		assertThat(finder.find(StateMethodFinderTest.class).isEmpty()).isTrue();
		assertThat(finder.find(StateMethodFinderTest.class)).isSameAs(StateMethodFinder.Found.NONE);
	}

	@Test
	void aListenerOnAnApplicationClassThatExtendsASpringClassHearsChanges() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(StateTreeAutoConfiguration.class))
			.withBean("flags", SpringSubclass.class)
			.run((context) -> {
				context.getBean(StateController.class).set("/flags/dark", "on");
				assertThat(context.getBean(SpringSubclass.class).heard).containsExactly("on");
			});
	}

}
