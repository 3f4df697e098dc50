/** @module The demo newspaper's articles: invented local news from the invented city of Northbay. */

export interface Article {
  slug: string;
  section: string;
  headline: string;
  standfirst: string;
  byline: string;
  /** ISO date of publication. */
  published: string;
  /** The first `FREE_PARAGRAPHS` are for everyone; the rest only for entitled readers. */
  paragraphs: string[];
}

/** How many paragraphs a reader without an entitlement sees. */
export const FREE_PARAGRAPHS = 2;

export const ARTICLES: readonly Article[] = [
  {
    slug: 'night-buses-approved',
    section: 'City',
    headline: 'Council approves all-night buses on six routes after two-year trial',
    standfirst:
      'Shift workers and hospital staff won the argument; the cost will be met partly by a parking levy.',
    byline: 'Amara Okafor, transport correspondent',
    published: '2026-11-26',
    paragraphs: [
      'Buses will run through the night on six of Northbay’s busiest routes from March, after the city council voted 31 to 12 on Wednesday to make a two-year trial permanent.',
      'The trial, which began on two routes serving the General Hospital and the container port, carried just over 410,000 passengers in its second year, almost double the figure planners had expected.',
      'Most of those riders, according to a survey commissioned by the council, were travelling to or from work. Nurses, cleaners, warehouse staff and bakers made up the largest groups; fewer than one in five said they had been out for the evening.',
      '“People assume night buses are for people leaving bars,” said councillor Ruth Adeyemi, who chairs the transport committee. “The numbers say otherwise. These are the people who keep the city running while the rest of us sleep.”',
      'The expansion will add the Eastside, Millbrook, University and Airport lines, with a bus every 30 minutes between midnight and five in the morning. Fares will stay at the daytime price.',
      'Running the six routes is expected to cost £2.8 million a year. About half will come from a new levy on workplace parking spaces in the city centre, which businesses with more than ten spaces will start paying in April; the rest from the transport budget.',
      'Opposition members argued that the levy would push firms out of the centre. “We are taxing the jobs we say we want to protect,” said councillor Martin Hale, who voted against. The chamber of commerce said it would study the details before commenting.',
      'The bus operator said it would need to recruit around 40 drivers and would offer a night-shift premium. The first timetables are due to be published in January.',
    ],
  },
  {
    slug: 'library-repair-cafe',
    section: 'Culture',
    headline: 'Eastside library reopens with a repair café, a seed bank and longer hours',
    standfirst: 'After eighteen months of building work, the 1930s branch library is open seven days a week.',
    byline: 'Tomás Berg',
    published: '2026-11-25',
    paragraphs: [
      'The queue outside Eastside library stretched past the bakery on Saturday morning, as the branch reopened after eighteen months of repairs to its leaking roof and a redesign of its ground floor.',
      'Inside, the old reference room has become a workshop where volunteers will mend toasters, bicycles and torn coats every other weekend, and a former storeroom holds a seed bank from which anyone with a library card can borrow.',
      'The idea for the repair café came from readers, said branch manager Hannah Mwangi. “We asked people what they wanted from the building, and the answer was: somewhere to do things together, not only somewhere to borrow things.”',
      'The seed bank works like a lending library. Gardeners take packets of tomato, bean or marigold seeds in spring and are asked to bring back seeds from their own harvest in autumn. Local allotment societies donated the first 3,000 packets.',
      'Opening hours have grown from 38 to 62 a week, including Sundays, paid for by a three-year grant from a regional arts foundation and by renting the upstairs hall to community groups in the evenings.',
      'The building work uncovered a mosaic floor in the entrance hall that had been carpeted over since the 1970s. It has been cleaned and left on show.',
      'Not everything has changed. The children’s corner keeps its reading tree, and the branch still holds its Tuesday storytime, which has not missed a week in 22 years: during the closure it moved to the church hall across the road.',
    ],
  },
  {
    slug: 'harbour-bridge-lanes',
    section: 'City',
    headline: 'Harbour bridge to lose two lanes until spring as cable repairs begin',
    standfirst:
      'Engineers found corrosion in three suspension cables during a routine inspection in the summer.',
    byline: 'Lena Fischer',
    published: '2026-11-24',
    paragraphs: [
      'Drivers crossing the Harbour bridge face months of delays after the city announced that two of its four lanes will close from Monday, while engineers replace sections of three corroded suspension cables.',
      'The bridge is safe to use, the city’s chief engineer said, but the load on the affected cables has to be reduced while the work is carried out. The closure is expected to last until the end of April.',
      'The corrosion was found in July by a robot that climbs the cables and measures their magnetic field, a method the city has used since 2019. It showed a loss of steel of up to eight per cent in short sections near the southern tower.',
      '“Eight per cent is well within the bridge’s safety margin,” said Dr Ines Carvalho, who leads the inspection team. “But corrosion does not stop by itself, and the best time to repair a cable is before it becomes urgent.”',
      'During the works, one lane will run in each direction. Buses, ambulances and cyclists keep dedicated space, and the pedestrian walkway stays open. The ferry between the two harbour quays will run every 15 minutes instead of every 30 during rush hours.',
      'The repair is budgeted at £11 million. The city has applied for a national infrastructure grant to cover part of the cost.',
      'Traffic planners expect journey times across the bridge to rise by ten to twenty minutes at peak times, and have asked employers on both sides of the harbour to let staff travel outside rush hours where possible.',
    ],
  },
  {
    slug: 'bakery-coop-surplus',
    section: 'Business',
    headline: 'Bakers’ cooperative halves its waste by turning unsold bread into animal feed',
    standfirst: 'Fourteen independent bakeries share a van, a drying room and a contract with two pig farms.',
    byline: 'Priya Raman',
    published: '2026-11-23',
    paragraphs: [
      'A cooperative of fourteen independent Northbay bakeries says it has cut the amount of bread it throws away by more than half in a year, by collecting unsold loaves each evening and drying them into feed for local farms.',
      'Before the scheme started, the members estimated that they binned around nine tonnes of bread a month between them. The figure is now under four, according to the cooperative’s annual report.',
      'A shared van collects leftovers from each shop after closing. Loaves that are still good are first offered to two food banks; the rest go to a drying room in an old dairy on the edge of the city, rented jointly by the members.',
      'Once dried and crumbled, the bread is sold to two pig farms, which mix it with their usual feed. The farms pay less than they would for grain, and the bakeries recover roughly the cost of the van.',
      '“It is not a money-maker, and it was never meant to be,” said Jonas Petrov, who runs a bakery in the old town and chairs the cooperative. “It is about not wasting what we make at four in the morning.”',
      'Animal feed made from food waste is tightly regulated, and the cooperative had to show that no meat or dairy products could reach the drying room. Filled rolls and cakes with cream are still thrown away.',
      'Three more bakeries have asked to join. The cooperative says the drying room could handle twice its current volume, but a second van would be needed first.',
    ],
  },
];

export function articleBySlug(slug: string): Article | undefined {
  return ARTICLES.find((article) => article.slug === slug);
}
