import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * CI check: redmutex-bom manages exactly the reactor's published modules, at the reactor's version,
 * and each published jar names its module (module-info.java or redmutex.module.name, which the jar
 * plugin writes as Automatic-Module-Name). A module is published unless its pom sets
 * maven.deploy.skip=true (bench, chaos, example).
 *
 * <p>Run from the repository root: {@code java .ci/CheckBom.java [ROOT]}. Exits 1 naming each
 * problem.
 */
public final class CheckBom {
  private static final String BOM = "redmutex-bom";

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    Element parent = read(root.resolve("pom.xml"));
    String version = text(parent, "version");
    List<String> problems = new ArrayList<>();
    Set<String> published = new TreeSet<>();
    Set<String> unpublished = new TreeSet<>();
    for (Element module : children(child(parent, "modules"), "module")) {
      String dir = module.getTextContent().trim();
      if (dir.equals(BOM)) {
        continue;
      }
      Element pom = read(root.resolve(dir).resolve("pom.xml"));
      String artifactId = text(pom, "artifactId");
      Element properties = child(pom, "properties");
      boolean skipped =
          properties != null && "true".equals(text(properties, "maven.deploy.skip"));
      if (skipped) {
        unpublished.add(artifactId);
        continue;
      }
      published.add(artifactId);
      String packaging = text(pom, "packaging");
      boolean named =
          Files.exists(root.resolve(dir).resolve("src/main/java/module-info.java"))
              || (properties != null && !text(properties, "redmutex.module.name").isEmpty());
      if ((packaging.isEmpty() || packaging.equals("jar")) && !named) {
        problems.add(
            dir
                + " is published but names no module: add src/main/java/module-info.java or"
                + " <redmutex.module.name> to its <properties> (Automatic-Module-Name)");
      }
    }

    Element bom = read(root.resolve(BOM).resolve("pom.xml"));
    if (!version.equals(text(bom, "version"))) {
      problems.add(
          BOM + " has version " + text(bom, "version") + ", the reactor " + version
              + ": give them the same version");
    }
    Set<String> managed = new TreeSet<>();
    Element management = child(bom, "dependencyManagement");
    for (Element dependency : children(child(management, "dependencies"), "dependency")) {
      String artifactId = text(dependency, "artifactId");
      managed.add(artifactId);
      if (!"io.redmutex".equals(text(dependency, "groupId"))) {
        problems.add(BOM + " manages " + text(dependency, "groupId") + ":" + artifactId
            + ": only redmutex's own modules belong in it");
      } else if (!"${project.version}".equals(text(dependency, "version"))) {
        problems.add(BOM + " pins " + artifactId + " to " + text(dependency, "version")
            + ": use ${project.version}");
      }
    }
    for (String artifactId : published) {
      if (!managed.contains(artifactId)) {
        problems.add(
            BOM + " does not manage the published module " + artifactId + ": add it to "
                + BOM + "/pom.xml (or set maven.deploy.skip=true in its pom if it is not"
                + " published)");
      }
    }
    for (String artifactId : managed) {
      if (unpublished.contains(artifactId)) {
        problems.add(BOM + " manages " + artifactId + ", which is not published"
            + " (maven.deploy.skip=true): take it out");
      } else if (!published.contains(artifactId)) {
        problems.add(BOM + " manages " + artifactId + ", which is not a module of the reactor");
      }
    }
    if (!problems.isEmpty()) {
      problems.forEach(problem -> System.err.println("check-bom: " + problem));
      System.exit(1);
    }
    System.out.println("check-bom: " + BOM + " manages all " + published.size()
        + " published modules " + published + " (not published: " + unpublished + ")");
  }

  private static Element read(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
        .getDocumentElement();
  }

  private static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        return element;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    if (parent == null) {
      return found;
    }
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }

  private static String text(Element parent, String name) {
    Element element = child(parent, name);
    return element == null ? "" : element.getTextContent().trim();
  }
}
