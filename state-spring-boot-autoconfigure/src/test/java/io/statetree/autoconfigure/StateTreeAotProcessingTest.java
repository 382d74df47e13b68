package io.statetree.autoconfigure;

import java.util.List;
import java.util.Map;

import io.statetree.autoconfigure.security.StateTreeSecurityProperties;
import io.statetree.core.StateEvent;
import io.statetree.spring.Derived;
import io.statetree.spring.OnStateChange;
import io.statetree.spring.PathVar;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ahead-of-time processing of an application with StateTree (what a GraalVM native image build
 * runs first): the hints cover the annotated bean methods StateTree invokes reflectively, the
 * types their values are converted to, its properties types and the metadata it reads.
 */
class StateTreeAotProcessingTest {

	@Test
	void hintsCoverAnnotatedMethodsTheirValueTypesPropertiesAndMetadata() throws Exception {
		RuntimeHints hints = processAheadOfTime();
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(Listeners.class.getDeclaredMethod("userChanged", String.class, User.class)))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(Listeners.class.getDeclaredMethod("anyEvent", StateEvent.class)))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(Listeners.class.getDeclaredMethod("count", Map.class)))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Listeners.class.getDeclaredMethod("notAnnotated")))
			.rejects(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(User.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(User.class.getDeclaredMethod("name"))).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Summary.class)).accepts(hints);
		for (Class<?> properties : List.of(StateTreeProperties.class, StateTreeGroupsProperties.class,
				StateTreeSecurityProperties.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onType(properties)
				.withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).as(properties.getName())
				.accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.resource().forResource("META-INF/spring-configuration-metadata.json"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(io.statetree.actuate.StateTreeEndpoint.TreeDescriptor.class))
			.accepts(hints);
	}

	private static RuntimeHints processAheadOfTime() {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.register(Application.class);
			DefaultGenerationContext generation = new DefaultGenerationContext(
					new ClassNameGenerator(
							ClassName.get(StateTreeAotProcessingTest.class.getPackageName(), "TestApplication")),
					new InMemoryGeneratedFiles());
			new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
			generation.writeGeneratedContent();
			return generation.getRuntimeHints();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class })
	static class Application {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

	}

	public record User(String name, int age) {
	}

	public record Summary(int users) {
	}

	static class Listeners {

		@OnStateChange("/users/{id}")
		void userChanged(@PathVar("id") String id, User user) {
		}

		@OnStateChange("/events/**")
		void anyEvent(StateEvent event) {
		}

		@Derived(path = "/stats/summary", sources = "/users")
		Summary count(Map<String, Object> users) {
			return new Summary(users.size());
		}

		void notAnnotated() {
		}

	}

}
