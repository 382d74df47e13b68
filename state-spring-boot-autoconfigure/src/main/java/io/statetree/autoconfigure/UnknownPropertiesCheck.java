package io.statetree.autoconfigure;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.Environment;

/**
 * Fails start-up on a {@code statetree.*} property that no StateTree properties type binds: a
 * misspelt key would otherwise be ignored silently.
 * <p>
 * Which keys are known is decided by binding, the way the application's own binding will: every
 * {@code @ConfigurationProperties} type registered in the context with a prefix under
 * {@code statetree} is bound again here with Spring Boot's {@link NoUnboundElementsBindHandler},
 * so relaxed names (kebab, camel and underscore case, environment variables such as
 * {@code STATETREE_BACKEND}, {@code STATETREE_INSTANCEID} and the legacy
 * {@code STATETREE_INSTANCE_ID}), map keys ({@code statetree.mounts.<name>.*}) and list indexes
 * ({@code statetree.security.rules[0].*}) are known exactly when the binder uses them. A key is
 * unknown when no type whose prefix covers it binds it. A key whose value cannot be bound is known
 * (its binding fails later, with its own analysis). A key that no type binds but that the
 * configuration metadata declares (a key only a condition reads, declared in additional metadata)
 * is known too ({@link DeclaredProperties}). Keys under {@link #OPTIONAL_SECTIONS} are
 * only checked when their type is registered: {@code statetree.security.*} is read by the
 * actuator's auto-configuration, which is absent without the actuator.
 * <p>
 * Nothing is bound when no property source holds a {@code statetree.*} key (the common case).
 * Runs as a bean factory post-processor, before any StateTree bean is created (so a typo is
 * reported before, say, Redis is contacted). With {@code statetree.fail-on-unknown-properties}
 * set to false, the unknown keys are logged as a warning instead. No value is ever quoted: values
 * may be secrets.
 */
final class UnknownPropertiesCheck implements BeanFactoryPostProcessor, EnvironmentAware {

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("statetree");

	/** Sections bound by an auto-configuration that may be absent. */
	static final Set<String> OPTIONAL_SECTIONS = Set.of("statetree.security", "statetree.health", "statetree.console");

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		if (this.environment == null || !mayHaveStateTreeProperties(this.environment)) {
			return;
		}
		Binder binder = Binder.get(this.environment);
		StateTreeCheckProperties settings = binder.bind(ROOT, Bindable.of(StateTreeCheckProperties.class))
			.orElseGet(StateTreeCheckProperties::new);
		List<PropertiesType> types = propertiesTypes(beanFactory);
		List<ConfigurationProperty> candidates = unknown(binder, types);
		if (candidates.isEmpty()) {
			return;
		}
		// the candidates' report is a class of its own: a start-up without statetree.* typos does
		// not load it, its exception or the tables of known and declared properties
		UnknownPropertiesReport.report(candidates, types, beanFactory.getBeanClassLoader(),
				settings.isFailOnUnknownProperties());
	}

	/**
	 * Whether any property source may hold a {@code statetree.*} property: most applications set
	 * few or none, and then there is nothing to check (and no type needs binding here).
	 * @param environment the environment
	 * @return false only when every source is known to hold none
	 */
	static boolean mayHaveStateTreeProperties(Environment environment) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source.containsDescendantOf(ROOT) != ConfigurationPropertyState.ABSENT
					|| source.getConfigurationProperty(ROOT) != null) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The StateTree properties types registered in the context.
	 * @param beanFactory the bean factory
	 * @return the types, by prefix and class name
	 */
	static List<PropertiesType> propertiesTypes(ConfigurableListableBeanFactory beanFactory) {
		Map<String, PropertiesType> types = new TreeMap<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = beanFactory.getBeanDefinition(name);
			if (!(definition instanceof AbstractBeanDefinition bean) || !bean.hasBeanClass()) {
				continue;
			}
			ConfigurationProperties annotation = AnnotationUtils.findAnnotation(bean.getBeanClass(),
					ConfigurationProperties.class);
			if (annotation == null) {
				continue;
			}
			ConfigurationPropertyName prefix = ConfigurationPropertyName.of(annotation.prefix());
			if (ROOT.equals(prefix) || ROOT.isAncestorOf(prefix)) {
				types.putIfAbsent(prefix + "#" + bean.getBeanClass().getName(),
						new PropertiesType(prefix, bean.getBeanClass()));
			}
		}
		return List.copyOf(types.values());
	}

	/**
	 * The {@code statetree.*} properties that no type binds.
	 * @param binder the binder over the environment
	 * @param types the types
	 * @return the unknown properties, sorted by name
	 */
	static List<ConfigurationProperty> unknown(Binder binder, List<PropertiesType> types) {
		Map<ConfigurationPropertyName, ConfigurationProperty> candidates = new TreeMap<>();
		Map<ConfigurationPropertyName, Integer> unboundBy = new TreeMap<>();
		for (PropertiesType type : types) {
			RecordingFailures failures = new RecordingFailures();
			try {
				binder.bind(type.prefix(), Bindable.of(type.type()), new NoUnboundElementsBindHandler(failures));
			}
			catch (BindException ex) {
				UnboundConfigurationPropertiesException unbound = unboundCause(ex);
				if (unbound == null) {
					throw ex;
				}
				for (ConfigurationProperty property : unbound.getUnboundProperties()) {
					if (!failures.failed(property.getName()) && !failures.boundInLegacyForm(property.getName())) {
						candidates.putIfAbsent(property.getName(), property);
						unboundBy.merge(property.getName(), 1, Integer::sum);
					}
				}
			}
		}
		List<ConfigurationProperty> unknown = new ArrayList<>();
		candidates.forEach((name, property) -> {
			long covering = types.stream().filter((type) -> type.covers(name)).count();
			if (unboundBy.get(name) == covering && !inAbsentOptionalSection(name, types)) {
				unknown.add(property);
			}
		});
		return unknown;
	}

	private static @Nullable UnboundConfigurationPropertiesException unboundCause(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof UnboundConfigurationPropertiesException unbound) {
				return unbound;
			}
		}
		return null;
	}

	private static boolean inAbsentOptionalSection(ConfigurationPropertyName name, List<PropertiesType> types) {
		for (String section : OPTIONAL_SECTIONS) {
			ConfigurationPropertyName sectionName = ConfigurationPropertyName.of(section);
			boolean registered = types.stream().anyMatch((type) -> type.prefix().equals(sectionName));
			if ((sectionName.equals(name) || sectionName.isAncestorOf(name)) && !registered) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A properties type and its prefix.
	 * @param prefix the prefix
	 * @param type the type
	 */
	record PropertiesType(ConfigurationPropertyName prefix, Class<?> type) {

		boolean covers(ConfigurationPropertyName name) {
			return this.prefix.equals(name) || this.prefix.isAncestorOf(name);
		}

	}

	/**
	 * Ignores binding failures (a bad value is reported by the application's own binding) and
	 * remembers their names, which are known. Unknown elements of a list (which Spring Boot's list
	 * binding reports itself) are passed on.
	 */
	private static final class RecordingFailures extends AbstractBindHandler {

		private final Set<ConfigurationPropertyName> failed = new HashSet<>();

		private final Set<String> boundLegacyNames = new HashSet<>();

		@Override
		public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
				Object result) {
			String printed = name.toString();
			if (printed.indexOf('-') >= 0) {
				this.boundLegacyNames.add(printed.replace('-', '.'));
			}
			return result;
		}

		@Override
		public @Nullable Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
				Exception error) throws Exception {
			if (unboundCause(error) != null) {
				throw error;
			}
			this.failed.add(name);
			return (target.getValue() != null) ? target.getValue().get() : null;
		}

		boolean failed(ConfigurationPropertyName name) {
			return this.failed.contains(name);
		}

		/**
		 * Whether a name is the legacy environment form of a bound dashed name: Spring Boot binds
		 * {@code STATETREE_INSTANCE_ID} (read as {@code statetree.instance.id}) to
		 * {@code statetree.instance-id}, which its unbound check does not see.
		 */
		boolean boundInLegacyForm(ConfigurationPropertyName name) {
			return this.boundLegacyNames.contains(name.toString());
		}

	}

}
