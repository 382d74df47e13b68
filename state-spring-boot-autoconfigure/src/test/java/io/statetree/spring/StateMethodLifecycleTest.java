package io.statetree.spring;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import org.aopalliance.intercept.MethodInterceptor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.autoproxy.BeanNameAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that {@link OnStateChange @OnStateChange} and {@link Derived @Derived} methods follow their
 * beans: proxies, lazy creation and destruction.
 */
class StateMethodLifecycleTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class))
		.withPropertyValues("statetree.listeners.on-error=rethrow");

	static class Recorder {

		final List<Object> values = new CopyOnWriteArrayList<>();

		@OnStateChange("/a")
		public void changed(@Nullable Object value) {
			this.values.add((value != null) ? value : "deleted");
		}

		@Derived(path = "/double", sources = "/a")
		public int twice(@Nullable Integer a) {
			return (a != null) ? 2 * a : 0;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterceptedConfiguration {

		static final List<String> intercepted = new CopyOnWriteArrayList<>();

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		static BeanNameAutoProxyCreator proxyCreator() {
			BeanNameAutoProxyCreator creator = new BeanNameAutoProxyCreator();
			creator.setBeanNames("recorder");
			creator.setInterceptorNames("counting");
			creator.setProxyTargetClass(true);
			return creator;
		}

		@Bean
		MethodInterceptor counting() {
			return (invocation) -> {
				intercepted.add(invocation.getMethod().getName());
				return invocation.proceed();
			};
		}

	}

	@Test
	void invokesMethodsThroughTheBeansProxy() {
		InterceptedConfiguration.intercepted.clear();
		this.runner.withUserConfiguration(InterceptedConfiguration.class).run((context) -> {
			assertThat(AopUtils.isCglibProxy(context.getBean("recorder"))).isTrue();
			StateController controller = context.getBean(StateController.class);
			controller.set("/a", 4);
			assertThat(controller.get("/double")).isEqualTo(8);
			assertThat(AopUtils.getTargetClass(context.getBean("recorder"))).isEqualTo(Recorder.class);
			assertThat(InterceptedConfiguration.intercepted).containsExactly("twice", "twice", "changed");
		});
	}

	interface Handler {

		void changed(@Nullable Object value);

	}

	static class InterfaceRecorder implements Handler {

		final List<Object> values = new CopyOnWriteArrayList<>();

		@Override
		@OnStateChange("/a")
		public void changed(@Nullable Object value) {
			this.values.add(String.valueOf(value));
		}

	}

	static class HiddenMethodRecorder implements Handler {

		@Override
		public void changed(@Nullable Object value) {
		}

		@OnStateChange("/a")
		public void notOnTheInterface() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JdkProxyConfiguration {

		@Bean
		static BeanNameAutoProxyCreator proxyCreator() {
			BeanNameAutoProxyCreator creator = new BeanNameAutoProxyCreator();
			creator.setBeanNames("handler");
			creator.setInterceptorNames("passThrough");
			return creator;
		}

		@Bean
		MethodInterceptor passThrough() {
			return (invocation) -> invocation.proceed();
		}

	}

	@Test
	void invokesInterfaceMethodsOnJdkProxies() {
		InterfaceRecorder recorder = new InterfaceRecorder();
		this.runner.withUserConfiguration(JdkProxyConfiguration.class)
			.withBean("handler", Handler.class, () -> recorder)
			.run((context) -> {
				assertThat(AopUtils.isJdkDynamicProxy(context.getBean("handler"))).isTrue();
				context.getBean(StateController.class).set("/a", 1);
				assertThat(recorder.values).containsExactly("1");
			});
	}

	@Test
	void failsOnAMethodAJdkProxyCannotInvoke() {
		this.runner.withUserConfiguration(JdkProxyConfiguration.class)
			.withBean("handler", Handler.class, HiddenMethodRecorder::new)
			.run((context) -> {
				InvalidStateMethodException failure = StateMethods.invalid(context.getStartupFailure());
				assertThat(failure.getBeanName()).isEqualTo("handler");
				assertThat(failure.getMethodDescription()).endsWith("notOnTheInterface()");
				assertThat(failure.getReason()).contains("cannot be invoked on the bean's proxy");
			});
	}

	static class AsyncRecorder {

		final List<String> threads = new CopyOnWriteArrayList<>();

		final CountDownLatch called = new CountDownLatch(1);

		@Async
		@OnStateChange("/a")
		public void changed() {
			this.threads.add(Thread.currentThread().getName());
			this.called.countDown();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync(proxyTargetClass = true)
	static class AsyncConfiguration {

	}

	@Test
	void honoursAsync() {
		this.runner.withUserConfiguration(AsyncConfiguration.class)
			.withBean("recorder", AsyncRecorder.class)
			.run((context) -> {
				AsyncRecorder recorder = context.getBean(AsyncRecorder.class);
				assertThat(AopUtils.isAopProxy(recorder)).isTrue();
				context.getBean(StateController.class).set("/a", 1);
				AsyncRecorder target = (AsyncRecorder) org.springframework.aop.framework.AopProxyUtils
					.getSingletonTarget(recorder);
				assertThat(target.called.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(target.threads).singleElement().isNotEqualTo(Thread.currentThread().getName());
			});
	}

	@Test
	void registersLazyBeansWhenTheyAreCreated() {
		this.runner.withBean("recorder", Recorder.class, Recorder::new, (definition) -> definition.setLazyInit(true)).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.set("/a", 1);
			assertThat(controller.registrations().listeners()).isEmpty();
			assertThat(controller.exists("/double")).isFalse();
			Recorder recorder = context.getBean(Recorder.class);
			assertThat(controller.registrations().listeners()).hasSize(1);
			assertThat(controller.get("/double")).isEqualTo(2);
			controller.set("/a", 2);
			assertThat(recorder.values).containsExactly(2);
			assertThat(controller.get("/double")).isEqualTo(4);
		});
	}

	@Test
	void unregistersWhenTheBeanIsDestroyed() {
		this.runner.withBean("recorder", Recorder.class).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			Recorder recorder = context.getBean(Recorder.class);
			controller.set("/a", 1);
			((DefaultListableBeanFactory) context.getBeanFactory()).destroySingleton("recorder");
			controller.set("/a", 2);
			assertThat(recorder.values).containsExactly(1);
			assertThat(controller.get("/double")).isEqualTo(2);
			assertThat(controller.registrations().listeners()).isEmpty();
			assertThat(controller.registrations().derivations()).isEmpty();
		});
	}

	static class ClosingRecorder extends Recorder implements DisposableBean {

		static final List<Object> lastWords = new CopyOnWriteArrayList<>();

		@Nullable StateController controller;

		@Override
		public void destroy() {
			StateController controller = this.controller;
			if (controller != null) {
				controller.set("/bye", true);
				lastWords.add(controller.get("/bye"));
			}
		}

	}

	@Test
	void destroysListenerBeansBeforeTheController() {
		ClosingRecorder.lastWords.clear();
		this.runner.withBean("recorder", ClosingRecorder.class).run((context) -> {
			context.getBean(ClosingRecorder.class).controller = context.getBean(StateController.class);
			context.close();
			assertThat(ClosingRecorder.lastWords).containsExactly(true);
		});
	}

	@Test
	void describesTheRegisteredListenerWithItsBeanMethod() {
		this.runner.withBean("recorder", Recorder.class).run((context) -> {
			StateController.Registrations registrations = context.getBean(StateController.class).registrations();
			assertThat(registrations.listeners()).singleElement()
				.satisfies((info) -> assertThat(Map.of("id", info.id(), "description", info.description()))
					.containsEntry("id", "recorder#changed")
					.containsEntry("description",
							"bean 'recorder' method " + Recorder.class.getName() + ".changed(Object)"));
		});
	}

}
