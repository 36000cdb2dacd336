/// Materials: constitutive laws at an integration point, shared by the finite-element solver (FEM)
/// and the hyper-reduced online model (ROM), which must evaluate the same law without importing
/// each other.
///
/// - ``ConstitutiveLaw``: the seam (a backward-Euler update of one integration point: total
///   strain, temperature and time step in; stress, consistent tangent and internal state out),
///   the way a Zset or Ansys user plugs in a UMAT.
/// - ``Voigt``: the storage conventions of strains, stresses and tangents.
/// - ``TemperatureTable``: temperature-dependent parameters, piecewise linear.
/// - ``ConstitutiveLawDescription`` and ``ConstitutiveLaws``: a law as a name and named parameter
///   arrays, so a model file can carry it and rebuild it.
/// - ``LinearElasticLaw``: isotropic thermoelasticity (the elastic limit of every law).
public enum MaterialsModule {}
