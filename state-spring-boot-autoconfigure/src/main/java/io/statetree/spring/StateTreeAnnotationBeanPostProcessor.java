package io.statetree.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.statetree.core.DerivationCycleException;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.SubscribeOptions;
import io.statetree.core.Subscription;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.util.Assert;

/**
 * Registers {@link OnStateChange @OnStateChange} and {@link Derived @Derived} bean methods with the
 * application's {@link StateController}, and unregisters them when their bean is destroyed.
 * <p>
 * Methods are found on the bean's target class, so annotated methods of proxied beans are found,
 * and they are invoked on the bean as the container exposes it, so proxies apply. Every method is
 * checked when its bean is created: one that cannot be bound fails the bean's creation with an
 * {@link InvalidStateMethodException}. The methods of the beans created during the start of the
 * context are registered once all singletons are instantiated, in the order the beans were
 * created; those of beans created later (lazy beans) as soon as they are created. Non-singleton
 * beans with such methods are rejected.
 * <p>
 * A method with {@link OnStateChange#group()} joins that durable group listener with its one
 * pattern ({@link GroupMethods}). Listener ids default to {@code beanName#methodName}; the
 * listener's description, as reported
 * by {@link StateController#registrations()}, names the bean and the method. The beans with
 * registered methods are made dependents of the controller bean, so they are destroyed (and
 * unregistered) before the controller is closed.
 * <p>
 * This post-processor is not {@link org.springframework.core.Ordered}: it runs after Spring's
 * ordered proxy creators and sees the proxies they create. It is registered by StateTree's
 * auto-configuration.
 */
public class StateTreeAnnotationBeanPostProcessor
		implements DestructionAwareBeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {

	private final StateMethodFinder finder = new StateMethodFinder();

	private final Object lock = new Object();

	private final List<BeanMethods> pending = new ArrayList<>();

	private final Map<Object, BeanMethods> byBean = new IdentityHashMap<>();

	private boolean ready;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	private @Nullable MethodArgumentConverter values;

	private volatile @Nullable Target target;

	private final Map<StatePath, DerivedMethod> destinations = new ConcurrentHashMap<>();

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		Assert.isInstanceOf(ConfigurableListableBeanFactory.class, beanFactory,
				"StateTreeAnnotationBeanPostProcessor needs a ConfigurableListableBeanFactory");
		ConfigurableListableBeanFactory factory = (ConfigurableListableBeanFactory) beanFactory;
		this.beanFactory = factory;
		this.values = new MethodArgumentConverter();
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		StateMethodFinder.Found found = this.finder.find(AopProxyUtils.ultimateTargetClass(bean));
		if (found.isEmpty()) {
			return bean;
		}
		BeanMethods methods = inspect(bean, beanName, found.listeners(), found.derived());
		boolean registerNow;
		synchronized (this.lock) {
			this.byBean.put(bean, methods);
			registerNow = this.ready;
			if (!registerNow) {
				this.pending.add(methods);
			}
		}
		if (registerNow) {
			try {
				register(methods);
			}
			catch (RuntimeException ex) {
				synchronized (this.lock) {
					this.byBean.remove(bean);
				}
				throw ex;
			}
		}
		return bean;
	}

	private BeanMethods inspect(Object bean, String beanName, Map<Method, OnStateChange> listeners,
			Map<Method, Derived> derived) {
		ConfigurableListableBeanFactory factory = beanFactory();
		if (factory.containsBeanDefinition(beanName)) {
			BeanDefinition definition = factory.getMergedBeanDefinition(beanName);
			if (!definition.isSingleton()) {
				Method method = listeners.isEmpty() ? derived.keySet().iterator().next()
						: listeners.keySet().iterator().next();
				throw new InvalidStateMethodException(beanName, method, "the bean's scope is '" + definition.getScope()
						+ "'; @OnStateChange and @Derived methods need a singleton bean");
			}
		}
		ConversionService conversionService = (factory.getConversionService() != null)
				? factory.getConversionService() : DefaultConversionService.getSharedInstance();
		BeanFactoryResolver beanResolver = new BeanFactoryResolver(factory);
		MethodArgumentConverter values = this.values;
		Assert.state(values != null, "No bean factory set");
		List<ListenerMethod> listenerMethods = new ArrayList<>(listeners.size());
		listeners.forEach((method, annotation) -> {
			BeanMethod beanMethod = beanMethod(bean, beanName, method);
			StateMethodListener listener = StateMethodListener.create(beanMethod, annotation.value(),
					annotation.condition(), values, conversionService, beanResolver);
			String id = annotation.id().isEmpty() ? beanName + "#" + method.getName() : annotation.id();
			listenerMethods.add(new ListenerMethod(id, listener, GroupMethods.options(beanName, method, annotation)));
		});
		List<DerivedMethod> derivedMethods = new ArrayList<>(derived.size());
		derived.forEach((method, annotation) -> derivedMethods
			.add(DerivedMethod.create(beanMethod(bean, beanName, method), annotation.path(), annotation.sources(), values)
				.withEquality(annotation.equality())));
		return new BeanMethods(beanName, List.copyOf(listenerMethods), List.copyOf(derivedMethods));
	}

	private static BeanMethod beanMethod(Object bean, String beanName, Method method) {
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new InvalidStateMethodException(beanName, method, "it cannot be invoked on the bean's proxy "
					+ bean.getClass().getName() + "; declare it on an interface the proxy implements, "
					+ "or use class-based proxies", ex);
		}
		return new BeanMethod(beanName, bean, method, invocable);
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<BeanMethods> toRegister;
		synchronized (this.lock) {
			this.ready = true;
			toRegister = List.copyOf(this.pending);
			this.pending.clear();
		}
		for (BeanMethods methods : toRegister) {
			register(methods);
		}
	}

	private void register(BeanMethods methods) {
		Target target = target(methods);
		StateController controller = target.controller();
		List<Subscription> handles = new ArrayList<>();
		try {
			for (ListenerMethod listener : methods.listeners()) {
				BeanMethod method = listener.listener().method();
				if (listener.group() != null) {
					handles.add(GroupMethods.join(controller, methods.beanName(), listener.listener(), listener.group()));
					continue;
				}
				try {
					controller.registerCallback(listener.listener(), listener.id(), false);
				}
				catch (IllegalStateException ex) {
					throw new InvalidStateMethodException(methods.beanName(), method.declared(), "its listener id '"
							+ listener.id() + "' is already in use; give it a unique @OnStateChange(id = ...)", ex);
				}
				handles.add(() -> controller.unregisterCallback(listener.id()));
				for (String pattern : listener.listener().patterns()) {
					controller.subscribeById(pattern, listener.id());
				}
			}
			for (DerivedMethod derived : methods.derived()) {
				Method declared = derived.method().declared();
				DerivedMethod other = this.destinations.putIfAbsent(derived.destination(), derived);
				if (other != null) {
					throw new InvalidStateMethodException(methods.beanName(), declared, "its destination "
							+ derived.destination() + " is already derived by " + other.method().describe());
				}
				handles.add(() -> this.destinations.remove(derived.destination(), derived));
				try {
					handles.add(derived.register(controller, beanFactory()));
				}
				catch (InvalidStateMethodException ex) {
					throw ex;
				}
				catch (DerivationCycleException ex) {
					throw new InvalidStateMethodException(methods.beanName(), declared, "its derivation of "
							+ derived.destination() + " would form a cycle: " + String.join(" -> ", ex.getCycle()), ex);
				}
				catch (RuntimeException ex) {
					throw new InvalidStateMethodException(methods.beanName(), declared,
							"the controller refused its derivation of " + derived.destination() + ": " + ex.getMessage(),
							ex);
				}
			}
		}
		catch (RuntimeException ex) {
			closeAll(handles, ex);
			throw ex;
		}
		boolean destroyed;
		synchronized (this.lock) {
			destroyed = methods.destroyed;
			if (!destroyed) {
				methods.handles = List.copyOf(handles);
			}
		}
		if (destroyed) {
			closeAll(handles, null);
			return;
		}
		if (target.beanName() != null && !target.beanName().equals(methods.beanName())) {
			beanFactory().registerDependentBean(target.beanName(), methods.beanName());
		}
	}

	private Target target(BeanMethods methods) {
		Target target = this.target;
		if (target != null) {
			return target;
		}
		ConfigurableListableBeanFactory factory = beanFactory();
		StateController controller;
		try {
			controller = factory.getBeanProvider(StateController.class).getIfUnique();
		}
		catch (NoUniqueBeanDefinitionException ex) {
			controller = null;
		}
		if (controller == null) {
			String[] names = factory.getBeanNamesForType(StateController.class);
			Method method = methods.listeners().isEmpty() ? methods.derived().get(0).method().declared()
					: methods.listeners().get(0).listener().method().declared();
			throw new InvalidStateMethodException(methods.beanName(), method, (names.length == 0)
					? "the application has no StateController bean"
					: "the application has several StateController beans " + List.of(names) + " and none is primary");
		}
		String controllerName = null;
		for (String name : factory.getBeanNamesForType(StateController.class)) {
			if (factory.containsSingleton(name) && factory.getSingleton(name) == controller) {
				controllerName = name;
			}
		}
		target = new Target(controller, controllerName);
		this.target = target;
		return target;
	}

	@Override
	public boolean requiresDestruction(Object bean) {
		synchronized (this.lock) {
			return this.byBean.containsKey(bean);
		}
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) throws BeansException {
		List<Subscription> handles;
		synchronized (this.lock) {
			BeanMethods methods = this.byBean.remove(bean);
			if (methods == null) {
				return;
			}
			this.pending.remove(methods);
			methods.destroyed = true;
			handles = methods.handles;
			methods.handles = List.of();
		}
		closeAll(handles, null);
	}

	private static void closeAll(List<Subscription> handles, @Nullable RuntimeException primary) {
		RuntimeException failure = primary;
		for (int i = handles.size() - 1; i >= 0; i--) {
			try {
				handles.get(i).close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null && failure != primary) {
			throw failure;
		}
	}

	private ConfigurableListableBeanFactory beanFactory() {
		ConfigurableListableBeanFactory factory = this.beanFactory;
		Assert.state(factory != null, "No bean factory set");
		return factory;
	}

	private record ListenerMethod(String id, StateMethodListener listener, @Nullable SubscribeOptions group) {
	}

	private record Target(StateController controller, @Nullable String beanName) {
	}

	private static final class BeanMethods {

		private final String beanName;

		private final List<ListenerMethod> listeners;

		private final List<DerivedMethod> derived;

		private List<Subscription> handles = List.of();

		private boolean destroyed;

		BeanMethods(String beanName, List<ListenerMethod> listeners, List<DerivedMethod> derived) {
			this.beanName = beanName;
			this.listeners = listeners;
			this.derived = derived;
		}

		String beanName() {
			return this.beanName;
		}

		List<ListenerMethod> listeners() {
			return this.listeners;
		}

		List<DerivedMethod> derived() {
			return this.derived;
		}

	}

}
